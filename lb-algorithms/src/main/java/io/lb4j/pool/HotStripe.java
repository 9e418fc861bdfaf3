package io.lb4j.pool;

/**
 * One more stripe of a {@link Member}'s request counters and latency estimate, for the threads whose
 * {@link Member#stripe() stripe} it is: the same padded cache line as the member's own (see
 * {@link MemberHot}), allocated the first time a thread of that stripe uses the member. Only members of
 * pools whose strategy does not read load are striped ({@code Strategy.readsLoad()}).
 *
 * <p>Thread-safety: as {@link MemberHot}.
 */
final class HotStripe extends MemberPadAfter {
    HotStripe(long decayNanos) {
        super(decayNanos);
    }
}
