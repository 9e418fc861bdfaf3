package io.lb4j.api;

/**
 * The 64-bit hash lb4j uses for request keys: FNV-1a over the UTF-16 code units, finished with
 * MurmurHash3's {@code fmix64} so that every input bit reaches every output bit. Stable across JVMs
 * and releases, allocation-free.
 *
 * <p>Stateless and thread-safe.
 */
public final class Hashing {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hashing() {
    }

    /**
     * @param key any non-null string
     * @return a well-mixed 64-bit hash of {@code key}
     */
    public static long hash64(CharSequence key) {
        Checks.notNull("key", key);
        long h = FNV_OFFSET;
        for (int i = 0, n = key.length(); i < n; i++) {
            char c = key.charAt(i);
            h ^= c & 0xff;
            h *= FNV_PRIME;
            h ^= c >>> 8;
            h *= FNV_PRIME;
        }
        return fmix64(h);
    }

    /** MurmurHash3's 64-bit finaliser: a bijection that spreads every bit. */
    public static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
