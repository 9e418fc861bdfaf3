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
 *   <li>after {@code $}, <code>{</code> belongs to the word ({@code ${name}}).</li>
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
                tokens.add(new Token(Kind.WORD, unescape(raw), startLine, startColumn, line, column));
                requireSpaceAfterQuote();
            } else {
                String raw = word();
                tokens.add(new Token(Kind.WORD, unescape(raw), startLine, startColumn, line, column));
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '#') {
                while (pos < s.length() && s.charAt(pos) != '\n') {
                    advance();
                }
            } else if (isSpace(c)) {
                advance();
            } else {
                return;
            }
        }
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
