package io.lb4j.okhttp;

import io.lb4j.api.LoadReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadMetricsHeaderTest {

    @Test
    void textFormWithEveryStandardKey() {
        LoadReport r = LoadMetricsHeader.parse("TEXT cpu_utilization=0.3, mem_utilization=0.8, rps_fractional=10.0,"
                + " eps=1, application_utilization=0.25, named_metrics.queue=12, utilization.gpu=0.5, request_cost.db=3");
        assertThat(r.cpuUtilization()).isEqualTo(0.3);
        assertThat(r.memUtilization()).isEqualTo(0.8);
        assertThat(r.rps()).isEqualTo(10.0);
        assertThat(r.eps()).isEqualTo(1.0);
        assertThat(r.applicationUtilization()).isEqualTo(0.25);
        assertThat(r.namedMetrics()).containsEntry("queue", 12.0);
        assertThat(r.utilizations()).containsEntry("gpu", 0.5);
    }

    @Test
    void exponentsAndNoSpaceAfterCommasAreAccepted() {
        LoadReport r = LoadMetricsHeader.parse("TEXT cpu_utilization=5e-1,rps_fractional=1E2");
        assertThat(r.cpuUtilization()).isEqualTo(0.5);
        assertThat(r.rps()).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "TEXT", "TEXT ", "text cpu_utilization=0.3",
            "BIN AAAA", "TEXT cpu_utilization=0.3,", "TEXT cpu_utilization=-0.3", "TEXT cpu_utilization=NaN",
            "TEXT cpu_utilization=Infinity", "TEXT cpu_utilization=0x10", "TEXT cpu_utilization=.5",
            "TEXT cpu_utilization = 0.3", "TEXT  cpu_utilization=0.3", "TEXT cpu=0.3", "TEXT cpu_utilization",
            "TEXT cpu_utilization=0.3, cpu_utilization=0.4", "TEXT mem_utilization=1.5", "TEXT named_metrics.=1",
            "TEXT utilization.a b=0.1", "TEXT rps_fractional=1e400", "TEXT cpu_utilization=0.3 ; eps=1"})
    void invalidHeadersAreRejected(String value) {
        assertThatThrownBy(() -> LoadMetricsHeader.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonFormWithSnakeAndCamelCaseNamesAndMaps() {
        LoadReport r = LoadMetricsHeader.parse("JSON {\"cpu_utilization\": 0.3, \"memUtilization\": 0.5,"
                + " \"rps_fractional\": 1e2, \"eps\": 0, \"namedMetrics\": {\"queue\": 12},"
                + " \"utilization\": {\"gpu\": 0.25}, \"request_cost\": {\"db\": 3}, \"applicationUtilization\": 0.4}");
        assertThat(r).isEqualTo(LoadReport.custom().cpuUtilization(0.3).memUtilization(0.5).rps(100)
                .applicationUtilization(0.4).namedMetric("queue", 12).utilization("gpu", 0.25).build());
        assertThat(LoadMetricsHeader.parse("JSON {}")).isEqualTo(LoadReport.custom().build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSON", "JSON ", "JSON {", "JSON {\"cpu_utilization\": 0.3", "JSON {\"cpu_utilization\": 0.3}}",
            "JSON {\"cpu_utilization\": 0.3} x", "JSON {\"cpu_utilization\": \"0.3\"}", "JSON {\"cpu_utilization\": null}",
            "JSON {\"cpu_utilization\": 01}", "JSON {\"cpu_utilization\": 1.}", "JSON {\"cpu_utilization\": .5}",
            "JSON {\"cpu_utilization\": -0.3}", "JSON {\"cpu_utilization\": 0.3, \"cpuUtilization\": 0.3}",
            "JSON {\"cpu_utilization\": 0.3, \"cpu_utilization\": 0.4}", "JSON {\"cpu\": 0.3}",
            "JSON {\"named_metrics\": {\"a\": {\"b\": 1}}}", "JSON {\"named_metrics\": 1}", "JSON {\"eps\": [1]}",
            "JSON {\"utilization\": {\"a\\u0041\": 0.1}}", "JSON {\"utilization\": {\"\": 0.1}}",
            "JSON {\"cpu_utilization\": 0.3,}", "JSON [0.3]", "JSON {\"rps_fractional\": 1e999}"})
    void invalidJsonHeadersAreRejected(String value) {
        assertThatThrownBy(() -> LoadMetricsHeader.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overlongHeadersAreRejected() {
        String value = "TEXT cpu_utilization=0." + "1".repeat(LoadMetricsHeader.MAX_LENGTH);
        assertThatThrownBy(() -> LoadMetricsHeader.parse(value)).hasMessageContaining("longer than");
    }

    @Test
    void readCountsRejectionsAndNeverThrows() {
        LoadMetricsHeader reader = new LoadMetricsHeader();
        assertThat(reader.read(null)).isNull();
        assertThat(reader.read("TEXT cpu_utilization=oops")).isNull();
        assertThat(reader.read("garbage")).isNull();
        assertThat(reader.read("TEXT cpu_utilization=0.5")).isNotNull();
        assertThat(reader.rejected()).isEqualTo(2);
    }

    @Test
    void theMessageNeverQuotesAnArbitraryKey() {
        assertThatThrownBy(() -> LoadMetricsHeader.parse("TEXT se<cr>et=1")).hasMessageNotContaining("se<cr>et");
    }
}
