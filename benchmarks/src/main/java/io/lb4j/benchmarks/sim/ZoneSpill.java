package io.lb4j.benchmarks.sim;

import io.lb4j.algorithms.Randoms;
import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PoolConfig;
import io.lb4j.pool.ZoneAwareRouting;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The zone-aware routing scenario "the local zone loses half its servers" (and more), through a real pool:
 * three zones of {@code perZone} servers, a client in zone a, round robin inside each zone; the local
 * servers are marked down one at a time and 100,000 seeded picks count where traffic goes. Prints a
 * markdown table, with Envoy's expected split beside the measured one.
 */
public final class ZoneSpill {
    private ZoneSpill() {
    }

    public static void main(String[] args) {
        run(4, 100_000, System.out);
    }

    /** Runs the scenario and prints the table; returns the local zone's measured share per servers lost. */
    public static double[] run(int perZone, int picks, PrintStream out) {
        String[] zones = {"a", "b", "c"};
        PoolBuilder b = LoadBalancingPool.builder("zones").strategy(new RoundRobin(Randoms.seeded(1)))
                .ticker(new ManualTicker())
                .config(PoolConfig.custom().zoneAwareRouting(ZoneAwareRouting.custom("a")
                        .random(Randoms.seeded(42)).build()).build());
        for (String z : zones) {
            for (int i = 0; i < perZone; i++) {
                b.server(Server.builder("127.0.0.1", 1000 + i).id(z + i).zone(z).build());
            }
        }
        double[] local = new double[perZone + 1];
        out.println("#### Zone-aware routing: the local zone (a) loses servers");
        out.println();
        out.println("| local servers up | expected a / b / c | measured a / b / c |");
        out.println("|---:|---|---|");
        try (LoadBalancingPool pool = b.build()) {
            for (int lost = 0; lost <= perZone; lost++) {
                if (lost > 0) {
                    pool.markDown("a" + (lost - 1));
                }
                Map<String, Integer> counts = new HashMap<>();
                for (int i = 0; i < picks; i++) {
                    Lease l = pool.acquire();
                    counts.merge(l.server().zone().orElse(""), 1, Integer::sum);
                    l.success(1_000_000L);
                }
                int up = perZone - lost;
                double expectedLocal = Math.min(1.0, ((double) up / (up + 2 * perZone)) / (1.0 / 3));
                if (up == 0) {
                    expectedLocal = 0;
                }
                double spill = (1 - expectedLocal) / 2;
                local[lost] = counts.getOrDefault("a", 0) / (double) picks;
                out.println(String.format(Locale.ROOT, "| %d of %d | %.1f%% / %.1f%% / %.1f%% | %.1f%% / %.1f%% / %.1f%% |",
                        up, perZone, 100 * expectedLocal, 100 * spill, 100 * spill, 100 * local[lost],
                        100.0 * counts.getOrDefault("b", 0) / picks, 100.0 * counts.getOrDefault("c", 0) / picks));
            }
        }
        out.println();
        return local;
    }
}
