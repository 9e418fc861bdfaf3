package io.lb4j.pool;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fields every request writes sit on a cache line of their own: at least 64 bytes from the object's
 * start (so nothing allocated before the object shares their line) and from every other field of the object,
 * padding aside. Offsets are read from this JVM's actual layout ({@code sun.misc.Unsafe.objectFieldOffset}).
 */
class HotFieldPaddingTest {
    /** Written per request, or (decayNanos) read with them: the fields of the member's hot line. */
    private static final Set<String> HOT = Set.of("inFlight", "successes", "cost", "stamp",
            "sampled", "decayRate");
    private static final long LINE = 64;

    @ParameterizedTest
    @ValueSource(classes = {Member.class, HotStripe.class})
    void hotFieldsHaveACacheLineOfTheirOwn(Class<?> type) throws Exception {
        Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
        f.setAccessible(true);
        Object unsafe = f.get(null);
        java.lang.reflect.Method offsetOf = unsafe.getClass().getMethod("objectFieldOffset", Field.class);
        List<Long> hot = new ArrayList<>();
        List<Long> other = new ArrayList<>();
        long last = 0;
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                long offset = (long) offsetOf.invoke(unsafe, field);
                last = Math.max(last, offset);
                boolean padding = field.getType() == byte.class && field.getName().matches("[ab]\\d\\d");
                if (HOT.contains(field.getName())) {
                    hot.add(offset);
                } else if (!padding) {
                    other.add(offset);
                }
            }
        }
        assertThat(hot).as("hot fields of %s", type.getSimpleName()).isNotEmpty();
        long firstHot = hot.stream().min(Long::compare).orElseThrow();
        long lastHot = hot.stream().max(Long::compare).orElseThrow();
        assertThat(firstHot).as("first hot field's offset").isGreaterThanOrEqualTo(LINE);
        assertThat(last).as("the object's last field").isGreaterThanOrEqualTo(lastHot + LINE);
        for (long o : other) {
            assertThat(o < firstHot - LINE + 8 || o >= lastHot + LINE)
                    .as("a field at %d is within a cache line of the hot fields %s", o, hot).isTrue();
        }
    }
}
