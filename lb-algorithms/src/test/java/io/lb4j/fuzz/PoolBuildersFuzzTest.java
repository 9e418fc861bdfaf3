package io.lb4j.fuzz;

import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random {@link PoolConfig} and {@link PassiveHealth} settings: each either builds or throws exactly
 * {@link IllegalArgumentException} with a message naming the setting. {@code -Dlb4j.fuzz.seed=N} and
 * {@code -Dlb4j.fuzz.count=N} repeat or lengthen a run.
 */
class PoolBuildersFuzzTest {
    private static final long SEED = Long.getLong("lb4j.fuzz.seed", 20261129L);
    private static final int COUNT = Integer.getInteger("lb4j.fuzz.count", 3000);

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void randomSettingsBuildOrFailNamingTheSetting() {
        Random r = new Random(SEED);
        int built = 0;
        for (int n = 0; n < COUNT; n++) {
            String where = "seed " + SEED + ", case " + n;
            try {
                PoolConfig.Builder b = PoolConfig.custom();
                switch (r.nextInt(7)) {
                    case 0:
                        b.maxEjectionPercent(anyInt(r, 120));
                        break;
                    case 1:
                        b.panicThresholdPercent(anyInt(r, 120));
                        break;
                    case 2:
                        b.slowStart(anyDuration(r));
                        break;
                    case 3:
                        b.slowStartMinWeightPercent(anyInt(r, 120));
                        break;
                    case 4:
                        b.slowStartAggression(anyDouble(r));
                        break;
                    case 5:
                        b.latencyDecay(anyDuration(r));
                        break;
                    default:
                        b.passiveHealth(r.nextInt(4) == 0 ? null : PassiveHealth.nginx(anyInt(r, 100), anyDuration(r)));
                        break;
                }
                assertThat(b.build().toString()).as(where).isNotEmpty();
                built++;
            } catch (IllegalArgumentException e) {
                assertThat(e).as(where).isExactlyInstanceOf(IllegalArgumentException.class);
                assertThat(e.getMessage()).as(where).isNotBlank().matches("(?s)[a-zA-Z.]+ .*");
            } catch (RuntimeException | Error e) {
                throw new AssertionError(where + " threw " + e, e);
            }
        }
        assertThat(built).as("some settings build").isPositive();
    }

    private static int anyInt(Random r, int max) {
        switch (r.nextInt(4)) {
            case 0:
                return r.nextInt();
            case 1:
                return -r.nextInt(3);
            default:
                return r.nextInt(max);
        }
    }

    private static double anyDouble(Random r) {
        double[] odd = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0, -1, Double.MIN_VALUE, 1e308};
        return r.nextBoolean() ? odd[r.nextInt(odd.length)] : r.nextDouble() * 20 - 5;
    }

    private static Duration anyDuration(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return null;
            case 1:
                return Duration.ofSeconds(r.nextLong(), r.nextInt(1_000_000_000));
            case 2:
                return Duration.ofMillis(-r.nextInt(1000));
            default:
                return Duration.ofMillis(r.nextInt(5_000_000));
        }
    }
}
