package io.lb4j.discovery;

import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeterministicSubsetTest {
    static final int CLIENTS = 1_000;
    static final int SERVERS = 10_000;
    static final int K = 100;

    /** The 1,000 subsets over the 10,000-server fleet, computed once for the tests that compare against it. */
    private static List<Set<String>> baseline;

    static synchronized List<Set<String>> baseline() {
        if (baseline == null) {
            baseline = subsets(fleet(SERVERS), CLIENTS, K);
        }
        return baseline;
    }

    static List<Server> fleet(int n) {
        List<Server> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(Server.builder("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), 8080).build());
        }
        return l;
    }

    static List<Set<String>> subsets(List<Server> servers, int clients, int k) {
        List<Set<String>> out = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            Set<String> ids = new HashSet<>();
            for (Server s : DeterministicSubset.subset(servers, c, clients, k)) {
                ids.add(s.id());
            }
            out.add(ids);
        }
        return out;
    }

    @Test
    void aThousandClientsOverTenThousandServersLoadEveryServerWithinTenPercentOfTheMean() {
        List<Set<String>> subsets = baseline();
        Map<String, Integer> clientsPerServer = new HashMap<>();
        for (Set<String> s : subsets) {
            assertThat(s).hasSize(K);
            for (String id : s) {
                clientsPerServer.merge(id, 1, Integer::sum);
            }
        }
        double mean = (double) CLIENTS * K / SERVERS;
        int max = Collections.max(clientsPerServer.values());
        int min = Collections.min(clientsPerServer.values());
        System.out.printf("subsetting %d clients x %d servers, k=%d: servers used %d, clients per server min %d max %d mean %.2f%n",
                CLIENTS, SERVERS, K, clientsPerServer.size(), min, max, mean);

        assertThat(clientsPerServer).hasSize(SERVERS);
        assertThat(max).isLessThanOrEqualTo((int) Math.floor(mean * 1.1));
        assertThat(min).isGreaterThanOrEqualTo((int) Math.ceil(mean / 1.1));
    }

    @Test
    void addingOneServerChangesAboutHalfTheSubsetsByOneServerEach() {
        List<Server> before = fleet(SERVERS);
        List<Server> after = new ArrayList<>(before);
        after.add(Server.of("10.200.0.1", 8080));

        int[] churn = churn(baseline(), subsets(after, CLIENTS, K));
        System.out.printf("subsetting: adding 1 server to %d changed %d of %d subsets, at most %d servers each%n",
                SERVERS, churn[0], CLIENTS, churn[1]);

        assertThat(churn[1]).isEqualTo(1);
        assertThat(churn[0]).isBetween(CLIENTS / 4, CLIENTS * 3 / 4);
    }

    @Test
    void removingOneServerWithoutCrossingAMultipleOfKChangesFewSubsets() {
        List<Server> before = fleet(SERVERS + 50);
        List<Server> after = new ArrayList<>(before);
        after.remove(1234);

        int[] churn = churn(subsets(before, CLIENTS, K), subsets(after, CLIENTS, K));
        System.out.printf("subsetting: removing 1 server of %d changed %d of %d subsets, at most %d servers each%n",
                SERVERS + 50, churn[0], CLIENTS, churn[1]);

        assertThat(churn[1]).isEqualTo(1);
        assertThat(churn[0]).isLessThan(CLIENTS * 3 / 4);
    }

    @Test
    void crossingAMultipleOfKRegroupsTheClients() {
        List<Server> before = fleet(SERVERS);
        List<Server> after = new ArrayList<>(before);
        after.remove(1234);

        int[] churn = churn(baseline(), subsets(after, CLIENTS, K));
        System.out.printf("subsetting: removing 1 server of %d (n/k 100 -> 99) changed %d of %d subsets, at most %d servers each%n",
                SERVERS, churn[0], CLIENTS, churn[1]);

        // documented limit of the SRE algorithm: n / k changes, so the rounds are regrouped
        assertThat(churn[0]).isGreaterThan(CLIENTS * 9 / 10);
    }

    /** {changed subsets, most servers replaced in one subset}. */
    private static int[] churn(List<Set<String>> a, List<Set<String>> b) {
        int changed = 0;
        int most = 0;
        for (int c = 0; c < a.size(); c++) {
            Set<String> gone = new HashSet<>(a.get(c));
            gone.removeAll(b.get(c));
            if (!gone.isEmpty() || !a.get(c).equals(b.get(c))) {
                changed++;
            }
            most = Math.max(most, gone.size());
        }
        return new int[] {changed, most};
    }

    @Test
    void theSubsetDoesNotDependOnTheOrderOfTheList() {
        List<Server> servers = fleet(1000);
        List<Server> shuffled = new ArrayList<>(servers);
        Collections.shuffle(shuffled, new Random(42));

        assertThat(DeterministicSubset.subset(shuffled, 7, 20, 10)).isEqualTo(DeterministicSubset.subset(servers, 7, 20, 10));
    }

    @Test
    void aSubsetAtLeastAsLargeAsTheFleetIsTheFleet() {
        List<Server> servers = fleet(5);
        assertThat(DeterministicSubset.subset(servers, 0, 1, 5)).containsExactlyInAnyOrderElementsOf(servers);
        assertThat(DeterministicSubset.subset(List.of(), 0, 1, 5)).isEmpty();
    }

    @Test
    void badArgumentsAreNamed() {
        List<Server> servers = fleet(5);
        assertThatThrownBy(() -> DeterministicSubset.subset(null, 0, 1, 1)).hasMessage("servers must not be null");
        assertThatThrownBy(() -> DeterministicSubset.subset(servers, 3, 3, 1)).hasMessage("clientIndex must be in [0, 2], was 3");
        assertThatThrownBy(() -> DeterministicSubset.subset(servers, -1, 3, 1)).hasMessage("clientIndex must be in [0, 2], was -1");
        assertThatThrownBy(() -> DeterministicSubset.subset(servers, 0, 0, 1)).hasMessage("clientCount must be at least 1, was 0");
        assertThatThrownBy(() -> DeterministicSubset.subset(servers, 0, 1, 0)).hasMessage("subsetSize must be at least 1, was 0");
        List<Server> dup = List.of(Server.of("h", 1), Server.of("h", 1));
        assertThatThrownBy(() -> DeterministicSubset.subset(dup, 0, 1, 1)).hasMessage("servers holds two servers with id 'h:1'");
    }

    @Test
    void aSubsettingSourcePassesOnThisClientsSubset() {
        TestSource fleet = new TestSource();
        List<Server> servers = fleet(100);
        SubsettingSource source = new SubsettingSource(fleet, 3, 10, 10);
        AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();
        source.subscribe(r);

        fleet.push(servers);
        fleet.fail(new RuntimeException("down"));
        source.close();

        assertThat(r.lists).containsExactly(DeterministicSubset.subset(servers, 3, 10, 10));
        assertThat(r.failures).hasSize(1);
        assertThat(fleet.closedDown).isTrue();
        assertThatThrownBy(() -> new SubsettingSource(fleet, 10, 10, 1)).hasMessage("clientIndex must be in [0, 9], was 10");
    }
}
