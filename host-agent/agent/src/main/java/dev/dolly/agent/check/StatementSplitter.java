package dev.dolly.agent.check;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits SQL text into statements the way PostgreSQL's lexer would: semicolons inside {@code '…'} and
 * {@code E'…'} strings, {@code "quoted"} identifiers, {@code $tag$} dollar quotes, {@code --} comments and nested
 * {@code /* *}{@code /} comments do not end a statement, nor do those inside a {@code BEGIN ATOMIC … END} function
 * body. Each statement keeps the line it starts on and the rules its {@code -- dolly:ignore} comments name.
 */
public final class StatementSplitter {
    private static final Pattern IGNORE = Pattern.compile("dolly:ignore\\s+([a-z0-9-]+(?:\\s*,\\s*[a-z0-9-]+)*)");
    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_\\x80-\\uffff][A-Za-z0-9_\\x80-\\uffff]*)?\\$");

    private StatementSplitter() {}

    public static List<SqlStatement> split(String file, String text) {
        List<SqlStatement> out = new ArrayList<>();
        Scanner s = new Scanner(text);
        StringBuilder cur = new StringBuilder();
        StringBuilder comments = new StringBuilder();
        int startLine = -1;
        int atomicDepth = 0;
        String prevWord = "";
        boolean routine = false;
        while (s.pos < text.length()) {
            char c = text.charAt(s.pos);
            int tokenLine = s.line;
            String token = s.next();
            if (s.lastKind == Kind.COMMENT) {
                comments.append(token).append('\n');
                if (startLine >= 0) {
                    cur.append(token);
                }
                continue;
            }
            if (c == ';' && atomicDepth == 0) {
                add(out, file, cur, comments, startLine);
                cur.setLength(0);
                comments.setLength(0);
                startLine = -1;
                routine = false;
                prevWord = "";
                continue;
            }
            if (startLine < 0) {
                if (Character.isWhitespace(c)) {
                    continue;
                }
                startLine = tokenLine;
            }
            cur.append(token);
            if (s.lastKind == Kind.WORD) {
                String w = token.toUpperCase(Locale.ROOT);
                if (w.equals("FUNCTION") || w.equals("PROCEDURE")) {
                    routine = routine || cur.toString().trim().toUpperCase(Locale.ROOT).startsWith("CREATE");
                } else if (routine && w.equals("ATOMIC") && prevWord.equals("BEGIN")) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && w.equals("CASE")) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && w.equals("END")) {
                    atomicDepth--;
                }
                prevWord = w;
            }
        }
        add(out, file, cur, comments, startLine);
        return out;
    }

    private static void add(List<SqlStatement> out, String file, StringBuilder cur, StringBuilder comments, int line) {
        String sql = cur.toString().strip();
        if (sql.isEmpty()) {
            return;
        }
        Set<String> ignored = new LinkedHashSet<>();
        Matcher m = IGNORE.matcher(comments);
        while (m.find()) {
            for (String r : m.group(1).split(",")) {
                ignored.add(r.trim());
            }
        }
        out.add(new SqlStatement(file, out.size(), line, sql, Set.copyOf(ignored)));
    }

    /** Comments removed, runs of whitespace made one space, quoted text kept as written. */
    public static String shape(String sql) {
        StringBuilder b = new StringBuilder();
        Scanner s = new Scanner(sql);
        boolean space = false;
        while (s.pos < sql.length()) {
            String token = s.next();
            if (s.lastKind == Kind.COMMENT || s.lastKind == Kind.SPACE) {
                space = true;
                continue;
            }
            if (space && b.length() > 0) {
                b.append(' ');
            }
            space = false;
            b.append(token);
        }
        return b.toString();
    }

    enum Kind { SPACE, COMMENT, STRING, WORD, OTHER }

    /** One lexical token at a time; tracks the line. */
    static final class Scanner {
        private final String t;
        int pos;
        int line = 1;
        Kind lastKind;

        Scanner(String t) {
            this.t = t;
        }

        String next() {
            int start = pos;
            char c = t.charAt(pos);
            char n = pos + 1 < t.length() ? t.charAt(pos + 1) : '\0';
            if (c == '-' && n == '-') {
                int end = t.indexOf('\n', pos);
                pos = end < 0 ? t.length() : end;
                lastKind = Kind.COMMENT;
            } else if (c == '/' && n == '*') {
                int depth = 0;
                while (pos < t.length()) {
                    if (t.startsWith("/*", pos)) {
                        depth++;
                        pos += 2;
                    } else if (t.startsWith("*/", pos)) {
                        depth--;
                        pos += 2;
                        if (depth == 0) {
                            break;
                        }
                    } else {
                        pos++;
                    }
                }
                lastKind = Kind.COMMENT;
            } else if (c == '\'') {
                boolean escapes = start > 0 && (t.charAt(start - 1) == 'E' || t.charAt(start - 1) == 'e')
                        && (start < 2 || !Character.isLetterOrDigit(t.charAt(start - 2)) && t.charAt(start - 2) != '_');
                pos = quoted(pos, '\'', escapes);
                lastKind = Kind.STRING;
            } else if (c == '"') {
                pos = quoted(pos, '"', false);
                lastKind = Kind.STRING;
            } else if (c == '$' && !(start > 0 && isWordChar(t.charAt(start - 1)))) {
                Matcher m = DOLLAR_TAG.matcher(t).region(pos, t.length());
                if (m.lookingAt()) {
                    String tag = m.group();
                    int end = t.indexOf(tag, m.end());
                    pos = end < 0 ? t.length() : end + tag.length();
                    lastKind = Kind.STRING;
                } else {
                    pos++;
                    lastKind = Kind.OTHER;
                }
            } else if (Character.isWhitespace(c)) {
                while (pos < t.length() && Character.isWhitespace(t.charAt(pos))) {
                    pos++;
                }
                lastKind = Kind.SPACE;
            } else if (isWordChar(c)) {
                while (pos < t.length() && (isWordChar(t.charAt(pos)) || t.charAt(pos) == '$')) {
                    pos++;
                }
                lastKind = Kind.WORD;
                // E'…': the quote right after a lone E is read as the next token, with escapes
            } else {
                pos++;
                lastKind = Kind.OTHER;
            }
            String tok = t.substring(start, pos);
            for (int i = 0; i < tok.length(); i++) {
                if (tok.charAt(i) == '\n') {
                    line++;
                }
            }
            return tok;
        }

        private int quoted(int p, char q, boolean backslashEscapes) {
            int i = p + 1;
            while (i < t.length()) {
                char c = t.charAt(i);
                if (backslashEscapes && c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == q) {
                    if (i + 1 < t.length() && t.charAt(i + 1) == q) {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            return t.length();
        }

        private static boolean isWordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c >= 0x80;
        }
    }
}
