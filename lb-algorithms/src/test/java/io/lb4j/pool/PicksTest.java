package io.lb4j.pool;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request path's shape that lets the JIT scalar-replace the lease (see {@link Picks}): {@code acquire}
 * small enough to be inlined into its callers, {@code Picks.choose} above HotSpot's hot-method inlining limit
 * ({@code FreqInlineSize}, 325 bytecodes) so that it stays a call from {@code acquire}. Read from the class
 * files, so a refactoring that breaks the shape fails here rather than only in a benchmark.
 */
class PicksTest {
    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void chooseStaysAboveTheHotInliningLimit() throws IOException {
        assertThat(codeLengths(Picks.class).get("choose")).isGreaterThan(FREQ_INLINE_SIZE);
    }

    @Test
    void theCompletionStaysAboveTheHotInliningLimit() throws IOException {
        assertThat(codeLengths(Feedback.class).get("complete")).isGreaterThan(FREQ_INLINE_SIZE);
    }

    @Test
    void theLeasesCompletionStaysSmall() throws IOException {
        assertThat(codeLengths(PoolLease.class).get("complete")).isLessThan(120);
    }

    @Test
    void acquireStaysSmall() throws IOException {
        // the context check, one clock read, the call and one allocation: far below the limit
        assertThat(codeLengths(LoadBalancingPool.class).get("acquire(Lio/lb4j/api/PickContext;)Lio/lb4j/api/Lease;"))
                .isLessThan(120);
    }

    /** Bytecode length per method: by name, and by name + descriptor. */
    private static Map<String, Integer> codeLengths(Class<?> type) throws IOException {
        Map<String, Integer> lengths = new HashMap<>();
        try (InputStream raw = type.getResourceAsStream(type.getSimpleName() + ".class");
             DataInputStream in = new DataInputStream(raw)) {
            in.readInt(); // magic
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    default -> throw new IOException("constant pool tag " + tag);
                }
            }
            in.skipBytes(6); // access, this, super
            in.skipBytes(2 * in.readUnsignedShort()); // interfaces
            skipMembers(in);
            int methods = in.readUnsignedShort();
            for (int m = 0; m < methods; m++) {
                in.readUnsignedShort();
                String name = utf8[in.readUnsignedShort()];
                String descriptor = utf8[in.readUnsignedShort()];
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attribute = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if (attribute.equals("Code")) {
                        in.skipBytes(4); // max stack, max locals
                        int code = in.readInt();
                        lengths.merge(name, code, Math::max);
                        lengths.put(name + descriptor, code);
                        in.skipBytes(length - 8);
                    } else {
                        in.skipBytes(length);
                    }
                }
            }
        }
        return lengths;
    }

    private static void skipMembers(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipBytes(6);
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.skipBytes(2);
                in.skipBytes(in.readInt());
            }
        }
    }
}
