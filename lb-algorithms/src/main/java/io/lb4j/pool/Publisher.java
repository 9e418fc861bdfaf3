package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Turns the members' health into the next {@link Snapshot}: applies time-driven transitions (ejections
 * ending), asks {@link Eligibility} for states and the eligible list, records each real transition as an
 * event and a log line, sets every member's effective weight (slow start) and builds the strategy's picker.
 * O(n) per rebuild plus the strategy's {@code newPicker}.
 *
 * <p>Not thread-safe: the pool calls it under its update lock only.
 */
final class Publisher {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingPool.class);

    private final String pool;
    private final Strategy strategy;
    private final PoolConfig config;
    private final SlowStart slowStart;
    private boolean panicking;
    private boolean wasEmpty = true;

    Publisher(String pool, Strategy strategy, PoolConfig config) {
        this.pool = pool;
        this.strategy = strategy;
        this.config = config;
        this.slowStart = new SlowStart(config.slowStartMinWeightPercent(), config.slowStartAggression());
    }

    boolean panicking() {
        return panicking;
    }

    long slowStartNanos(Member m) {
        return m.server.slowStart().orElse(config.slowStart()).toNanos();
    }

    void startRamp(Member m, long now) {
        if (slowStartNanos(m) > 0) {
            m.ramping = true;
            m.rampStart = now;
        }
    }

    /**
     * Builds the next snapshot.
     *
     * @param changed the member an operation or a tracker just changed (its events carry {@code reason}), or null
     */
    Snapshot rebuild(Collection<Member> members, long now, List<HealthEvent> events, Member changed, String reason) {
        Member[] all = members.toArray(new Member[0]);
        long deadline = 0;
        boolean hasDeadline = false;
        List<Eligibility.Facts> facts = new ArrayList<>(all.length);
        for (Member m : all) {
            PassiveTracker p = m.passive;
            p.advance(now);
            long d = p.deadline(now);
            if (d != Long.MAX_VALUE) {
                deadline = hasDeadline && deadline - d < 0 ? deadline : d;
                hasDeadline = true;
            }
            m.gated = p.gated();
            PassiveTracker.Verdict v = p.verdict();
            facts.add(new Eligibility.Facts(m.adminDown, m.draining, m.probe.down(), v == PassiveTracker.Verdict.HARD,
                    v == PassiveTracker.Verdict.OUTLIER, p.ejectedSince() - now, m.server.backup(),
                    m.server.weight() == 0));
        }
        Eligibility.Result r = Eligibility.decide(facts, config.maxEjectionPercent(), config.panicThresholdPercent());
        for (int i = 0; i < all.length; i++) {
            Member m = all[i];
            HealthState before = m.state;
            HealthState after = r.states()[i];
            if (after != HealthState.UP && before == HealthState.UP) {
                m.ramping = false;
            }
            if (after == HealthState.UP && before == HealthState.EJECTED) {
                startRamp(m, now);
                m.clearPenalty();
            }
            if (after != before) {
                m.state = after;
                String why = m == changed ? reason : reasonFor(m, before, after);
                events.add(new HealthEvent(pool, m.server, HealthEvent.Kind.STATE_CHANGED, before, after, why, now));
                logTransition(m, before, after, why);
            }
            double w = m.server.weight();
            if (m.ramping) {
                long window = slowStartNanos(m);
                double f = slowStart.fraction(now - m.rampStart, window);
                if (f >= 1.0) {
                    m.ramping = false;
                } else {
                    w *= f;
                    long next = SlowStart.nextStep(m.rampStart, window, now);
                    deadline = hasDeadline && deadline - next < 0 ? deadline : next;
                    hasDeadline = true;
                }
            }
            m.weight = w;
            m.eligible = false;
        }
        boolean[] held = new boolean[all.length];
        for (int i : r.heldBack()) {
            held[i] = true;
            if (!all[i].heldBack) {
                log.warn("pool '{}': {} should be ejected ({}) but {}% of the servers in play already are "
                        + "(maxEjectionPercent)", pool, all[i].id(), all[i].passive.reason(), config.maxEjectionPercent());
            }
        }
        for (int i = 0; i < all.length; i++) {
            all[i].heldBack = held[i];
        }
        Member[] chosen = new Member[r.eligible().length];
        for (int k = 0; k < chosen.length; k++) {
            chosen[k] = all[r.eligible()[k]];
            chosen[k].eligible = true;
        }
        notePanic(r, chosen.length);
        return publish(all, chosen, r, hasDeadline, deadline);
    }

    private Snapshot publish(Member[] all, Member[] chosen, Eligibility.Result r, boolean hasDeadline, long deadline) {
        int total = all.length;
        if (chosen.length == 0) {
            NoAvailableServerException.Reason why = total == 0 ? NoAvailableServerException.Reason.EMPTY
                    : NoAvailableServerException.Reason.NONE_AVAILABLE;
            if (!wasEmpty) {
                log.warn("pool '{}' has no available server: {}", pool, r.emptyDetail());
            }
            wasEmpty = true;
            return new Snapshot(null, chosen, why, r.emptyDetail(), hasDeadline, deadline, false);
        }
        wasEmpty = false;
        Picker picker = null;
        if (config.zoneAwareRouting() != null) {
            picker = ZonePicker.build(strategy, chosen, Arrays.asList(all), config.zoneAwareRouting());
        }
        if (picker == null) {
            List<Endpoint> endpoints = Collections.unmodifiableList(Arrays.<Endpoint>asList(chosen.clone()));
            picker = strategy.newPicker(endpoints);
        }
        if (picker == null) {
            throw new IllegalStateException("strategy " + strategy.name() + " returned a null picker");
        }
        Member[] fallback = new Member[r.fallback().length];
        for (int k = 0; k < fallback.length; k++) {
            fallback[k] = all[r.fallback()[k]];
        }
        return new Snapshot(picker, chosen, null, null, hasDeadline, deadline, r.panic(), fallback);
    }

    private void notePanic(Eligibility.Result r, int chosen) {
        if (r.panic() == panicking) {
            return;
        }
        panicking = r.panic();
        if (panicking) {
            log.warn("pool '{}' enters panic mode: {} of {} primaries healthy, under {}%; balancing over {}",
                    pool, r.upPrimaries(), r.primariesInPlay(), config.panicThresholdPercent(), chosen);
        } else {
            log.info("pool '{}' leaves panic mode", pool);
        }
    }

    private static String reasonFor(Member m, HealthState before, HealthState after) {
        PassiveTracker p = m.passive;
        if (after == HealthState.EJECTED) {
            if (m.probe.down()) {
                return "active health check failed: " + m.probe.detail();
            }
            return p.reason();
        }
        if (after == HealthState.UP && before == HealthState.EJECTED) {
            return p.reason();
        }
        return after.name().toLowerCase(Locale.ROOT);
    }

    private void logTransition(Member m, HealthState before, HealthState after, String reason) {
        if (after == HealthState.EJECTED) {
            log.warn("pool '{}': server {} ejected ({})", pool, m.id(), reason);
        } else if (after == HealthState.UP && before == HealthState.EJECTED) {
            log.info("pool '{}': server {} restored ({})", pool, m.id(), reason);
        } else {
            log.info("pool '{}': server {} {} -> {} ({})", pool, m.id(), before, after, reason);
        }
    }
}
