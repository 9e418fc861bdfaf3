package io.lb4j.config;

/**
 * A malformed nginx {@code upstream} block. The message starts with the position of the problem
 * ({@code line 3, column 25: }) and says what was expected there; {@link #line()} and {@link #column()}
 * give the position (1-based) to tools.
 *
 * <p>Immutable and thread-safe.
 */
public final class NginxConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The 1-based line of the offending token. */
    private final int line;
    /** The 1-based column of the offending token. */
    private final int column;

    /**
     * @param line    1-based line of the problem
     * @param column  1-based column of the problem (characters, a tab counts as one)
     * @param problem what is wrong and what was expected
     */
    public NginxConfigException(int line, int column, String problem) {
        super("line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    /** The 1-based line of the problem. */
    public int line() {
        return line;
    }

    /** The 1-based column of the problem. */
    public int column() {
        return column;
    }
}
