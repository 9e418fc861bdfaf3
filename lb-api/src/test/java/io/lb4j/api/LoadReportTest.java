package io.lb4j.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadReportTest {

    @Test
    void nothingReportedIsZeroAndUnknownInFlight() {
        LoadReport r = LoadReport.custom().build();
        assertThat(r.cpuUtilization()).isZero();
        assertThat(r.rps()).isZero();
        assertThat(r.requestsInFlight()).isEqualTo(-1);
        assertThat(r.utilizations()).isEmpty();
    }

    @Test
    void utilizationPrefersTheApplicationsOverCpu() {
        assertThat(LoadReport.custom().cpuUtilization(0.4).build().utilization()).isEqualTo(0.4);
        assertThat(LoadReport.custom().cpuUtilization(0.4).applicationUtilization(0.7).build().utilization())
                .isEqualTo(0.7);
    }

    @Test
    void negativeNanAndInfiniteValuesAreRejectedNamingTheField() {
        assertThatThrownBy(() -> LoadReport.custom().rps(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rps").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> LoadReport.custom().cpuUtilization(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpuUtilization");
        assertThatThrownBy(() -> LoadReport.custom().eps(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eps");
        assertThatThrownBy(() -> LoadReport.custom().memUtilization(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memUtilization");
        assertThatThrownBy(() -> LoadReport.custom().requestsInFlight(-2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestsInFlight");
        assertThatThrownBy(() -> LoadReport.custom().utilization(" ", 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("utilization name");
    }

    @Test
    void namedValuesAreCappedAtMaxNamed() {
        LoadReport.Builder b = LoadReport.custom();
        for (int i = 0; i < LoadReport.MAX_NAMED; i++) {
            b.namedMetric("m" + i, i);
        }
        assertThatThrownBy(() -> b.utilization("one-more", 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + LoadReport.MAX_NAMED);
    }

    @Test
    void equalReportsAreEqualAndTheBuiltMapsAreUnmodifiable() {
        LoadReport a = LoadReport.custom().rps(10).cpuUtilization(0.3).utilization("gpu", 0.5).build();
        LoadReport b = LoadReport.custom().rps(10).cpuUtilization(0.3).utilization("gpu", 0.5).build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThatThrownBy(() -> a.utilizations().put("x", 1.0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
