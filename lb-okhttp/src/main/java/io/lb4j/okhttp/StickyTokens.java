package io.lb4j.okhttp;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthListener;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sticky-session tokens of one pool: {@code token(id) = base64url(HMAC-SHA256(secret, pool + '\n' +
 * id))} truncated to 128 bits. A token reveals neither the server's id nor its address and cannot be
 * forged without the secret; it is resolved back to a member id only by looking it up in a table built
 * from the pool's current members, so a forged or stale token resolves to nothing and can never make
 * the interceptor connect anywhere outside the pool.
 *
 * <p>The table is rebuilt lazily after the pool reports a server ADDED or REMOVED. The pool listener holds
 * this object weakly and unregisters itself once it was collected, so building many interceptors over
 * one long-lived pool does not accumulate them. The interceptor asks
 * the pool for the resolved server with {@link io.lb4j.api.PickContext#preferring(String)}, which the
 * pool honours in O(1) while that server is eligible and otherwise answers with a normal pick.
 *
 * <p>{@link #close()} unregisters the listener at once (the interceptor's {@code close()}).
 *
 * <p>Thread-safe: lookups read a volatile immutable table; rebuilds are synchronized.
 */
final class StickyTokens {
    private final Pool pool;
    private final SecretKeySpec key;
    private final MembershipListener listener;
    private volatile boolean dirty = true;
    private volatile boolean closed;
    private volatile Table table;

    StickyTokens(Pool pool, byte[] secret) {
        this.pool = pool;
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.listener = new MembershipListener(this, pool);
        pool.addListener(listener);
    }

    /**
     * Unregisters the pool listener and drops the token table; afterwards no token resolves. Idempotent.
     * The pool itself is left open: it belongs to the caller.
     */
    void close() {
        closed = true;
        pool.removeListener(listener);
        synchronized (this) {
            table = null;
        }
    }

    /**
     * Marks the table dirty on membership changes. It holds its {@link StickyTokens} weakly, so that a pool
     * that outlives an interceptor does not keep the interceptor's tokens (and secret) alive; once they
     * are gone it removes itself from the pool at the next event.
     */
    private static final class MembershipListener implements HealthListener {
        private final WeakReference<StickyTokens> tokens;
        private final Pool pool;

        MembershipListener(StickyTokens tokens, Pool pool) {
            this.tokens = new WeakReference<>(tokens);
            this.pool = pool;
        }

        @Override
        public void onEvent(HealthEvent e) {
            StickyTokens t = tokens.get();
            if (t == null) {
                pool.removeListener(this);
            } else if (e.kind() == HealthEvent.Kind.ADDED || e.kind() == HealthEvent.Kind.REMOVED) {
                t.dirty = true;
            }
        }
    }

    /** The member id a token names, or null when it names no current member. */
    String resolve(String token) {
        return closed ? null : table().idByToken.get(token);
    }

    /** The token for a member id (computed if the member joined after the last rebuild). */
    String token(String serverId) {
        String t = table().tokenById.get(serverId);
        return t != null ? t : compute(serverId);
    }

    private Table table() {
        Table t = table;
        if (t == null || dirty) {
            synchronized (this) {
                t = table;
                if (closed) {
                    return new Table(Map.of(), Map.of());
                }
                if (t == null || dirty) {
                    dirty = false; // a change during the rebuild sets it again
                    t = build();
                    table = t;
                }
            }
        }
        return t;
    }

    private Table build() {
        List<Server> servers = pool.servers();
        Map<String, String> idByToken = new HashMap<>();
        Map<String, String> tokenById = new HashMap<>();
        List<String> ids = new ArrayList<>(servers.size());
        for (Server s : servers) {
            ids.add(s.id());
        }
        for (String id : ids) {
            String token = compute(id);
            idByToken.put(token, id);
            tokenById.put(id, token);
        }
        return new Table(idByToken, tokenById);
    }

    private String compute(String serverId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] h = mac.doFinal((pool.name() + '\n' + serverId).getBytes(StandardCharsets.UTF_8));
            byte[] truncated = new byte[16];
            System.arraycopy(h, 0, truncated, 0, truncated.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(truncated);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static final class Table {
        final Map<String, String> idByToken;
        final Map<String, String> tokenById;

        Table(Map<String, String> idByToken, Map<String, String> tokenById) {
            this.idByToken = idByToken;
            this.tokenById = tokenById;
        }
    }
}
