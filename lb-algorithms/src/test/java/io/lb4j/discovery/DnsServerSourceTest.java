package io.lb4j.discovery;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.naming.NameNotFoundException;
import java.time.Duration;
import java.util.List;

import static io.lb4j.discovery.LoopbackDnsServer.a;
import static io.lb4j.discovery.LoopbackDnsServer.aaaa;
import static io.lb4j.discovery.LoopbackDnsServer.srv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real DNS server answering UDP on loopback; time and the schedule are driven by hand. */
class DnsServerSourceTest {
    private final ManualTicker ticker = new ManualTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);
    private final AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
    private LoopbackDnsServer dns;
    private DnsServerSource source;

    @BeforeEach
    void startDns() throws Exception {
        dns = new LoopbackDnsServer();
        dns.set("api.lb4j.test", a("10.0.0.2"), a("10.0.0.1"), aaaa("2001:db8::1"));
        dns.set("_http._tcp.svc.lb4j.test", srv(10, 60, 8080, "a.lb4j.test"), srv(10, 0, 8081, "b.lb4j.test"),
                srv(20, 5, 9090, "c.lb4j.test"), srv(10, 1, 1, "."));
        dns.set("a.lb4j.test", a("10.0.1.1"));
        dns.set("b.lb4j.test", a("10.0.1.2"), aaaa("2001:db8::2"));
        dns.set("c.lb4j.test", a("10.0.1.3"));
        dns.set("empty.lb4j.test");
    }

    @AfterEach
    void stop() throws Exception {
        if (source != null) {
            source.close();
        }
        dns.close();
    }

    private DnsServerSource.Builder configure(DnsServerSource.Builder b) {
        return b.dnsServers(List.of(dns.url())).refreshInterval(Duration.ofSeconds(30)).timeout(Duration.ofMillis(200))
                .attempts(1).scheduler(scheduler).ticker(ticker);
    }

    private DnsServerSource start(DnsServerSource.Builder b) {
        source = configure(b).build();
        source.subscribe(r);
        scheduler.runDue();
        return source;
    }

    private static List<String> ids(List<Server> servers) {
        return servers.stream().map(Server::id).toList();
    }

    @Test
    void aAndAaaaRecordsBecomeServersOnThePort() {
        start(DnsServerSource.addresses("api.lb4j.test", 8080));

        assertThat(r.failures).isEmpty();
        assertThat(ids(r.last())).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "[2001:db8::1]:8080");
        assertThat(source.name()).isEqualTo("dns:api.lb4j.test:8080");
    }

    @Test
    void srvRecordsGivePortsWeightsAndTiers() {
        start(DnsServerSource.srv("_http._tcp.svc.lb4j.test"));

        List<Server> servers = r.last();
        assertThat(ids(servers)).containsExactly("10.0.1.1:8080", "10.0.1.2:8081", "10.0.1.3:9090", "[2001:db8::2]:8081");
        assertThat(servers).extracting(Server::weight).containsExactly(60, 1, 5, 1);
        assertThat(servers).extracting(Server::backup).containsExactly(false, false, true, false);
        assertThat(servers.get(2).metadata()).containsEntry("dns.target", "c.lb4j.test");
    }

    @Test
    void theNameIsResolvedAgainEveryIntervalAndOnlyChangesAreDelivered() {
        start(DnsServerSource.addresses("api.lb4j.test", 8080));
        assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(30));

        scheduler.advance(Duration.ofSeconds(30));
        assertThat(r.lists).hasSize(1);

        dns.set("api.lb4j.test", a("10.0.0.1"), a("10.0.0.3"));
        scheduler.advance(Duration.ofSeconds(29));
        assertThat(r.lists).hasSize(1);
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(r.lists).hasSize(2);
        assertThat(ids(r.last())).containsExactly("10.0.0.1:8080", "10.0.0.3:8080");
    }

    @Test
    void rotatedAnswersAreNotAChange() {
        start(DnsServerSource.addresses("api.lb4j.test", 8080));
        dns.set("api.lb4j.test", aaaa("2001:db8::1"), a("10.0.0.1"), a("10.0.0.2"));

        scheduler.advance(Duration.ofSeconds(30));

        assertThat(r.lists).hasSize(1);
    }

    @Test
    void failuresAreReportedAndRetriedWithBackoffFromMinToMax() {
        source = configure(DnsServerSource.addresses("api.lb4j.test", 8080)).minRefresh(Duration.ofSeconds(1))
                .maxRefresh(Duration.ofSeconds(30)).build();
        source.subscribe(r);
        dns.failWith(2); // SERVFAIL
        scheduler.runDue();

        assertThat(r.lists).isEmpty();
        assertThat(r.failures).singleElement().satisfies(e -> assertThat(e)
                .isInstanceOf(DnsServerSource.DnsResolutionException.class).hasMessageContaining("dns:api.lb4j.test:8080"));
        List<Duration> delays = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Duration d = scheduler.nextDelay();
            delays.add(d);
            scheduler.advance(d);
        }
        assertThat(delays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30));
        assertThat(r.failures).hasSize(7);

        dns.failWith(0);
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(r.lists).hasSize(1);
        assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anUnknownNameIsAFailureAndANameWithoutRecordsAnEmptyList() {
        start(DnsServerSource.addresses("nope.lb4j.test", 80));
        assertThat(r.failures).singleElement().satisfies(e -> assertThat(e.getCause()).isInstanceOf(NameNotFoundException.class));
        assertThat(r.lists).isEmpty();
        source.close();

        AbstractServerSourceTest.Recorder other = new AbstractServerSourceTest.Recorder();
        source = configure(DnsServerSource.addresses("empty.lb4j.test", 80)).build();
        source.subscribe(other);
        scheduler.runDue();
        assertThat(other.lists).containsExactly(List.of());
        assertThat(other.failures).isEmpty();
    }

    @Test
    void aServerThatDoesNotAnswerIsATimeout() {
        dns.silent(true);
        start(DnsServerSource.addresses("api.lb4j.test", 8080));

        assertThat(r.failures).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("resolution failed"));
        assertThat(dns.queries()).isEqualTo(1);
    }

    @Test
    void refreshDeliversEvenAnUnchangedListButNotBeforeTheMinimumInterval() {
        start(DnsServerSource.addresses("api.lb4j.test", 8080));
        scheduler.advance(Duration.ofMillis(200));

        source.refresh();
        source.refresh();
        assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofMillis(800));
        scheduler.advance(Duration.ofMillis(800));

        assertThat(r.lists).hasSize(2);
        assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aPoolKeepsItsServersWhileDnsIsDown() {
        start(DnsServerSource.addresses("api.lb4j.test", 8080));
        try (LoadBalancingPool pool = LoadBalancingPool.builder("dns").strategy(Strategies.byName("round-robin"))
                .ticker(ticker).build();
             PoolBinder binder = PoolBinder.builder(pool, source).scheduler(scheduler).ticker(ticker).bind()) {
            scheduler.runDue();
            assertThat(pool.servers()).hasSize(3);

            dns.failWith(2);
            scheduler.advance(Duration.ofSeconds(30));
            dns.remove("api.lb4j.test");
            dns.failWith(0);
            scheduler.advance(Duration.ofSeconds(60));

            assertThat(r.failures).hasSizeGreaterThanOrEqualTo(2);
            assertThat(pool.servers()).hasSize(3);
            assertThat(binder.updatesApplied()).isEqualTo(1);
        }
    }

    @Test
    void aDeadDnsServerIsSkippedForTheNextOne() throws Exception {
        int deadPort;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort();
        }
        source = DnsServerSource.addresses("api.lb4j.test", 8080)
                .dnsServers(List.of("dns://127.0.0.1:" + deadPort, dns.url())).refreshInterval(Duration.ofSeconds(30))
                .timeout(Duration.ofMillis(200)).attempts(1).scheduler(scheduler).ticker(ticker).build();
        source.subscribe(r);
        scheduler.runDue();

        assertThat(r.failures).isEmpty();
        assertThat(ids(r.last())).hasSize(3);
    }

    @Test
    void withBothDnsServersDownThePoolKeepsItsServers() throws Exception {
        LoopbackDnsServer second = new LoopbackDnsServer();
        try {
            second.set("api.lb4j.test", a("10.0.0.1"));
            source = DnsServerSource.addresses("api.lb4j.test", 8080).dnsServers(List.of(dns.url(), second.url()))
                    .refreshInterval(Duration.ofSeconds(30)).timeout(Duration.ofMillis(100)).attempts(1)
                    .scheduler(scheduler).ticker(ticker).build();
            source.subscribe(r);
            try (LoadBalancingPool pool = LoadBalancingPool.builder("dns2").strategy(Strategies.byName("round-robin"))
                    .ticker(ticker).build();
                 PoolBinder binder = PoolBinder.builder(pool, source).scheduler(scheduler).ticker(ticker).bind()) {
                scheduler.runDue();
                assertThat(pool.servers()).hasSize(3);

                dns.close();
                second.close();
                scheduler.advance(Duration.ofSeconds(30));
                scheduler.advance(Duration.ofSeconds(30));

                assertThat(r.failures).hasSizeGreaterThanOrEqualTo(2);
                assertThat(binder.updatesApplied()).isEqualTo(1);
                assertThat(pool.servers()).hasSize(3);
            }
        } finally {
            second.close();
        }
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> DnsServerSource.addresses("api.lb4j.test", 0)).hasMessage("port must be in [1, 65535], was 0");
        assertThatThrownBy(() -> DnsServerSource.addresses("bad name", 80)).hasMessageStartingWith("host must be a DNS name");
        assertThatThrownBy(() -> DnsServerSource.srv(null)).hasMessageStartingWith("service must be a DNS name");
        assertThatThrownBy(() -> DnsServerSource.srv("_x._tcp.a").dnsServers(List.of("10.0.0.1")))
                .hasMessage("dnsServers entries must look like dns://host[:port], was '10.0.0.1'");
        assertThatThrownBy(() -> DnsServerSource.srv("_x._tcp.a").refreshInterval(Duration.ofSeconds(10))
                .minRefresh(Duration.ofSeconds(20)).scheduler(scheduler).build())
                .hasMessageStartingWith("refresh intervals must satisfy minRefresh <= refreshInterval <= maxRefresh");
        assertThatThrownBy(() -> DnsServerSource.srv("_x._tcp.a").attempts(0)).hasMessage("attempts must be in [1, 10], was 0");
    }
}
