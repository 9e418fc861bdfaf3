package io.lb4j.pool;

import io.lb4j.api.HealthState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which servers a picker sees: a pure function from the members' health facts to their states and the
 * eligible list (tiers, backup, panic, the ejection cap). No state of its own; thread-safe.
 *
 * <ol>
 *   <li>An operator's {@code down} wins, then {@code draining}. A <em>hard</em> failure (active checks
 *       failed {@code fall} times, or calls could not connect) is {@link HealthState#EJECTED} whatever any
 *       cap says.</li>
 *   <li>Passive <em>outliers</em> are ejected oldest first, at most {@code maxEjectionPercent} of the
 *       primaries still in play (neither down, draining, hard-failed nor quiesced), rounded down, but at
 *       least one when two or more are in play, or when a healthy backup can take over, and the
 *       percentage is above 0 (Envoy's
 *       {@code max_ejection_percent}); the rest stay {@link HealthState#UP}. Backups never count towards
 *       the cap and are never held back by it.</li>
 *   <li>Eligible: the UP primaries with weight &gt; 0; if there are none, the UP backups (nginx
 *       {@code backup}). When the UP share of the primaries that are neither down nor draining is under
 *       {@code panicThresholdPercent} (and no backup can take over), every primary that is UP or an ejected
 *       outlier or failed its active checks (Envoy panic mode: a broken health check must not empty the
 *       pool); servers refusing connections stay out.</li>
 *   <li>Fallback: while the eligible list is primaries, the UP backups, for a pick that excludes every eligible
 *       primary (a retry that tried them all): nginx goes on to the backup servers within one request once
 *       it has tried every primary ({@code ngx_http_upstream_get_round_robin_peer}).</li>
 *   <li>The only server of a pool without backups is never ejected by passive health (nginx's
 *       {@code peers->single}): there is nothing to fail over to. Active checks and operators still can.</li>
 * </ol>
 */
final class Eligibility {
    private Eligibility() {
    }

    /**
     * One member's facts, in pool order: an operator's down and drain, active checks failed, passive health's
     * verdict (a hard failure or an outlier, since when), and its configuration.
     */
    record Facts(boolean adminDown, boolean draining, boolean activeDown, boolean passiveHard, boolean outlier,
                 long outlierSince, boolean backup, boolean quiesced) {
        boolean hardDown() {
            return activeDown || passiveHard;
        }
    }

    /** The decision for one list of facts. Immutable. */
    record Result(HealthState[] states, int[] eligible, boolean panic, int[] heldBack, int upPrimaries,
                  int primariesInPlay, String emptyDetail, int[] fallback) {
        boolean empty() {
            return eligible.length == 0;
        }
    }

    static Result decide(List<Facts> facts, int maxEjectionPercent, int panicThresholdPercent) {
        int n = facts.size();
        int primaries = 0;
        int backups = 0;
        for (Facts f : facts) {
            if (f.backup()) {
                backups++;
            } else {
                primaries++;
            }
        }
        // nginx: the only server of a group is never considered unavailable by passive health (peers->single)
        boolean single = primaries == 1 && backups == 0;
        HealthState[] states = new HealthState[n];
        List<Integer> outliers = new ArrayList<>();
        int inPlay = 0;
        int backupsUp = 0;
        for (int i = 0; i < n; i++) {
            Facts f = facts.get(i);
            if (f.adminDown()) {
                states[i] = HealthState.DOWN;
            } else if (f.draining()) {
                states[i] = HealthState.DRAINING;
            } else if (f.activeDown() || f.passiveHard() && !single) {
                states[i] = HealthState.EJECTED;
            } else {
                states[i] = HealthState.UP;
                if (!f.backup() && !f.quiesced()) {
                    inPlay++;
                }
                if (f.backup() && !f.outlier() && !f.quiesced()) {
                    backupsUp++;
                }
                if (f.outlier() && !single) {
                    if (f.backup()) {
                        states[i] = HealthState.EJECTED; // backups never count towards the cap
                    } else {
                        outliers.add(i);
                    }
                }
            }
        }
        int allowed = allowedEjections(inPlay, maxEjectionPercent, backupsUp > 0);
        outliers.sort(Comparator.comparingLong((Integer i) -> facts.get(i).outlierSince()).thenComparingInt(i -> i));
        int[] heldBack = new int[Math.max(0, outliers.size() - allowed)];
        for (int k = 0; k < outliers.size(); k++) {
            int i = outliers.get(k);
            if (k < allowed) {
                states[i] = HealthState.EJECTED;
            } else {
                heldBack[k - allowed] = i;
            }
        }
        return tiers(facts, states, panicThresholdPercent, heldBack);
    }

    /**
     * How many outliers may be ejected among {@code inPlay} primaries: the percentage rounded down, but at
     * least one when two or more are in play, or when a healthy backup can take over.
     */
    static int allowedEjections(int inPlay, int maxEjectionPercent, boolean backupUp) {
        int allowed = (int) ((long) inPlay * maxEjectionPercent / 100);
        return maxEjectionPercent > 0 && (inPlay > 1 || backupUp && inPlay > 0) ? Math.max(1, allowed) : allowed;
    }

    private static Result tiers(List<Facts> facts, HealthState[] states, int threshold,
                                int[] heldBack) {
        int n = facts.size();
        int[] up = new int[n];
        int upCount = 0;
        int[] backups = new int[n];
        int backupCount = 0;
        int[] panicSet = new int[n];
        int panicCount = 0;
        int counted = 0;
        for (int i = 0; i < n; i++) {
            Facts f = facts.get(i);
            if (f.quiesced() || states[i] == HealthState.DOWN || states[i] == HealthState.DRAINING) {
                continue;
            }
            if (f.backup()) {
                if (states[i] == HealthState.UP) {
                    backups[backupCount++] = i;
                }
                continue;
            }
            counted++;
            if (states[i] == HealthState.UP) {
                up[upCount++] = i;
                panicSet[panicCount++] = i;
            } else if (!f.passiveHard()) { // outliers and active-check failures; never servers refusing connections
                panicSet[panicCount++] = i;
            }
        }
        boolean below = threshold > 0 && counted > 0 && (long) upCount * 100 < (long) threshold * counted;
        boolean panic = below && !(upCount == 0 && backupCount > 0) && panicCount > 0;
        int[] chosen = panic ? Arrays.copyOf(panicSet, panicCount)
                : upCount > 0 ? Arrays.copyOf(up, upCount) : Arrays.copyOf(backups, backupCount);
        String detail = chosen.length == 0 ? describeNone(facts, states) : null;
        int[] fallback = panic || upCount > 0 ? Arrays.copyOf(backups, backupCount) : new int[0];
        return new Result(states, chosen, panic, heldBack, upCount, counted, detail, fallback);
    }

    private static String describeNone(List<Facts> facts, HealthState[] states) {
        int total = facts.size();
        if (total == 0) {
            return "the pool has no servers";
        }
        int down = 0;
        int ejected = 0;
        int draining = 0;
        int quiesced = 0;
        for (int i = 0; i < total; i++) {
            switch (states[i]) {
                case DOWN:
                    down++;
                    break;
                case DRAINING:
                    draining++;
                    break;
                case EJECTED:
                    ejected++;
                    break;
                default:
                    if (facts.get(i).quiesced()) {
                        quiesced++;
                    }
                    break;
            }
        }
        List<String> parts = new ArrayList<>();
        add(parts, down, "down");
        add(parts, ejected, "ejected");
        add(parts, draining, "draining");
        add(parts, quiesced, "quiesced (weight 0)");
        if (parts.size() == 1) {
            return "all " + total + " servers are " + parts.get(0).replaceFirst("^\\d+ ", "");
        }
        return "of " + total + " servers, " + String.join(", ", parts);
    }

    private static void add(List<String> parts, int count, String what) {
        if (count > 0) {
            parts.add(count + " " + what);
        }
    }
}
