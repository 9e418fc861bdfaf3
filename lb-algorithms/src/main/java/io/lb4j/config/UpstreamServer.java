package io.lb4j.config;

import io.lb4j.api.Server;

/**
 * One {@code server} line of an nginx {@code upstream} block: the {@link Server} (address, weight,
 * {@code backup}, {@code max_fails}, {@code fail_timeout}, {@code slow_start}) and nginx's {@code down}
 * flag, which marks the server permanently unavailable. The parser keeps down servers in the list so that
 * nothing in the file is lost; the code that builds a pool from it decides whether to add them drained or
 * to leave them out.
 *
 * @param server the server, not null
 * @param down   whether the line carries {@code down}
 */
public record UpstreamServer(Server server, boolean down) {
    /** @throws IllegalArgumentException if {@code server} is null */
    public UpstreamServer {
        if (server == null) {
            throw new IllegalArgumentException("server must not be null");
        }
    }
}
