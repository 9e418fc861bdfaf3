package io.lb4j.benchmarks.jmh;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Each benchmark thread's position in the fixture's 1,024 keys (and latencies). */
@State(Scope.Thread)
public class KeyCursor {
    private int next;

    /** The next index; wraps (callers mask with {@code KEYS - 1}). */
    public int next() {
        return next++;
    }
}
