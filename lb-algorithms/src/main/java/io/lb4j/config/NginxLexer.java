package io.lb4j.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits configuration text into tokens exactly as nginx 1.22's {@code ngx_conf_read_token} does:
 * <ul>
 *   <li>white space is only space, tab, CR and LF (a form feed or U+2003 is part of a word);</li>
 *   <li>{@code ;} and <code>{</code> end a word; <code>}</code> is a token only where a token starts
 *       (inside a word it is an ordinary character), and so is {@code #}, which starts a comment running
 *       to the end of the line;</li>
 *   <li>{@code "} and {@code '} quote a <em>whole</em> token: only where a token starts, and the closing
 *       quote must be followed by white space, {@code ;}, <code>{</code> or {@code )}; a quote inside a word
 *       is an ordinary character, so {@code weight="2"} is the word {@code weight="2"} and
 *       {@code "a""b"} is refused;</li>
 *   <li>a backslash keeps the next character from ending the word or the quoted string; in the token's
 *       value {@code \"}, {@code \'} and {@code \\} become the character, {@code \t}, {@code \r} and
 *       {@code \n} become tab, CR and LF, and any other backslash stays as it is;</li>
 *   <li>after {@code $}, <code>{</code> belongs to the word ({@code ${name}});</li>
 *   <li>a word, a quoted string's text or a comment (from {@code #}) is at most about 4 KB of UTF-8, exactly
 *       as nginx's 4096-byte read buffer allows ({@link #BUFFER_BYTES}).</li>
 * </ul>
 * Lines count LF characters; columns count characters (a tab is one). Stateless between calls; each
 * instance is used by one thread once.
 */
final class NginxLexer {
    enum Kind { WORD, OPEN, CLOSE, SEMICOLON, END }

    /** One token; {@code text} is the value after quote removal and escapes. */
    record Token(Kind kind, String text, int line, int column, int endLine, int endColumn) {
        String describe() {
            switch (kind) {
                case END:
                    return "end of input";
                case WORD:
                    return quote(text);
                default:
                    return "'" + text + "'";
            }
        }
    }

    /** The most characters of a token a message shows. */
    static final int QUOTE_LENGTH = 64;
    /**
     * nginx's {@code NGX_CONF_BUFFER}: {@code ngx_conf_read_token} refuses a token ("too long parameter") when
     * it fills the read buffer from its start, counted in UTF-8 bytes of raw text. A comment from its
     * {@code #} may fill all but one byte (the LF). A word may fill all but one (the {@code ;} or <code>{</code>
     * that ends it and returns at once), or all but two when white space ends it, because nginx refills the
     * buffer before it moves the token's start past that white space. A quoted string's text is one byte
     * shorter still, for its closing quote.
     */
    static final int BUFFER_BYTES = 4096;

    private final String s;
    private int pos;
    private int line = 1;
    private int column = 1;

    private NginxLexer(String s) {
        this.s = s;
    }

    /** The tokens of {@code text}, ending with one {@link Kind#END}. */
    static List<Token> tokens(String text) {
        return new NginxLexer(text).run();
    }

    /**
     * {@code s} quoted for a message: at most {@link #QUOTE_LENGTH} characters, anything but printable
     * ASCII escaped as {@code \}{@code uXXXX}, so no token can inject a line or a terminal sequence.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        int shown = Math.min(s.length(), QUOTE_LENGTH);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        sb.append('\'');
        if (shown < s.length()) {
            sb.append("... (").append(s.length()).append(" characters)");
        }
        return sb.toString();
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private char advance() {
        char c = s.charAt(pos++);
        if (c == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        return c;
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            int startLine = line;
            int startColumn = column;
            if (pos == s.length()) {
                tokens.add(new Token(Kind.END, "", startLine, startColumn, startLine, startColumn));
                return tokens;
            }
            char c = s.charAt(pos);
            if (c == '{' || c == '}' || c == ';') {
                advance();
                Kind kind = c == '{' ? Kind.OPEN : c == '}' ? Kind.CLOSE : Kind.SEMICOLON;
                tokens.add(new Token(kind, String.valueOf(c), startLine, startColumn, line, column));
            } else if (c == '"' || c == '\'') {
                String raw = quoted();
                requireShort(raw, startLine, startColumn, "quoted string", BUFFER_BYTES - (endsAtOnce() ? 2 : 3));
                tokens.add(new Token(Kind.WORD, unescape(raw), startLine, startColumn, line, column));
                requireSpaceAfterQuote();
            } else {
                String raw = word();
                requireShort(raw, startLine, startColumn, "word", BUFFER_BYTES - (endsAtOnce() ? 1 : 2));
                tokens.add(new Token(Kind.WORD, unescape(raw), startLine, startColumn, line, column));
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '#') {
                int startLine = line;
                int startColumn = column;
                int start = pos;
                while (pos < s.length() && s.charAt(pos) != '\n') {
                    advance();
                }
                requireShort(s.substring(start, pos), startLine, startColumn, "comment", BUFFER_BYTES - 1);
            } else if (isSpace(c)) {
                advance();
            } else {
                return;
            }
        }
    }

    /** Whether the character after a token is one on which nginx returns the directive at once. */
    private boolean endsAtOnce() {
        return pos < s.length() && (s.charAt(pos) == ';' || s.charAt(pos) == '{');
    }

    /** nginx's "too long parameter": a token must fit into its configuration buffer; see {@link #BUFFER_BYTES}. */
    private static void requireShort(String raw, int line, int column, String what, int maxBytes) {
        if (raw.length() <= maxBytes / 3) {
            return;
        }
        long bytes = utf8Length(raw);
        if (bytes > maxBytes) {
            throw new NginxConfigException(line, column, what + " " + quote(raw) + " is too long (" + bytes
                    + " UTF-8 bytes); expected at most " + maxBytes + " bytes here, as nginx reads configuration"
                    + " tokens through a " + BUFFER_BYTES + "-byte buffer");
        }
    }

    /** UTF-8 length; a lone surrogate counts as the 3 bytes of a replacement character. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The raw text between the quotes; the closing quote is consumed. */
    private String quoted() {
        int quoteLine = line;
        int quoteColumn = column;
        char quote = advance();
        int start = pos;
        while (true) {
            if (pos == s.length()) {
                throw new NginxConfigException(quoteLine, quoteColumn,
                        "unterminated quoted string; expected a closing " + quote);
            }
            char c = advance();
            if (c == '\\') {
                if (pos == s.length()) {
                    throw new NginxConfigException(quoteLine, quoteColumn,
                            "unterminated quoted string; expected a closing " + quote);
                }
                advance();
            } else if (c == quote) {
                return s.substring(start, pos - 1);
            }
        }
    }

    /** nginx's "need_space": a closing quote must end the token. */
    private void requireSpaceAfterQuote() {
        if (pos == s.length()) {
            return;
        }
        char c = s.charAt(pos);
        if (isSpace(c) || c == ';' || c == '{' || c == ')') {
            return;
        }
        throw new NginxConfigException(line, column, "unexpected " + quote(String.valueOf(c))
                + " after a closing quote; a quoted string must be a whole token, followed by white space, ';' or '{'");
    }

    /** The raw text of an unquoted word. */
    private String word() {
        int start = pos;
        boolean variable = false;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '{' && variable) {
                advance();
                continue;
            }
            variable = false;
            if (c == '\\') {
                advance();
                if (pos < s.length()) {
                    advance();
                }
                continue;
            }
            if (c == '$') {
                variable = true;
                advance();
                continue;
            }
            if (isSpace(c) || c == ';' || c == '{') {
                break;
            }
            advance();
        }
        return s.substring(start, pos);
    }

    /** nginx's escape rules for a token's value. */
    static String unescape(String raw) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(i + 1);
                switch (n) {
                    case '"':
                    case '\'':
                    case '\\':
                        sb.append(n);
                        i++;
                        continue;
                    case 't':
                        sb.append('\t');
                        i++;
                        continue;
                    case 'r':
                        sb.append('\r');
                        i++;
                        continue;
                    case 'n':
                        sb.append('\n');
                        i++;
                        continue;
                    default:
                        break;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
