/**
 * Service discovery for pools: sources of complete server lists and the binder that applies them safely.
 *
 * <ul>
 *   <li>{@link io.lb4j.discovery.PoolBinder} subscribes a {@link io.lb4j.api.Pool} to a
 *       {@link io.lb4j.api.ServerSource}: one {@code Pool.update} per list, a failed or empty list never
 *       empties a healthy pool, large removals wait for confirmation, bursts are coalesced
 *       ({@link io.lb4j.discovery.BinderConfig}).</li>
 *   <li>Sources: {@link io.lb4j.discovery.DnsServerSource} (A/AAAA, SRV), {@link io.lb4j.discovery.FileServerSource}
 *       (an nginx {@code upstream} block or a {@link io.lb4j.discovery.ServerList} file, watched),
 *       {@link io.lb4j.discovery.ZooKeeperServerSource} (Curator service discovery, Spring Cloud Zookeeper; needs
 *       the optional Curator dependency). Write your own by extending
 *       {@link io.lb4j.discovery.AbstractServerSource}.</li>
 *   <li>{@link io.lb4j.discovery.DeterministicSubset} and {@link io.lb4j.discovery.SubsettingSource}: each client
 *       of a large fleet balances over a stable subset.</li>
 * </ul>
 */
package io.lb4j.discovery;
