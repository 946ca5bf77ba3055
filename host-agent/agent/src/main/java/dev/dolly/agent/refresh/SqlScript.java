package dev.dolly.agent.refresh;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits SQL text produced by pg_dump and pg_dumpall: into statements (respecting quotes,
 * dollar quotes and comments, dropping psql meta-commands such as {@code \restrict}), and into
 * the dump's TOC entries, whose header comments name each object's type.
 */
public final class SqlScript {

    private SqlScript() {}

    /** One TOC entry of a plain-text dump: its type (TABLE, INDEX, FK CONSTRAINT, …), name, schema and SQL. */
    public record Entry(String type, String name, String schema, String sql) {
        public String label() {
            return type + " " + (schema == null || schema.equals("-") ? "" : schema + ".") + name;
        }
    }

    private static final Pattern HEADER = Pattern.compile(
            "^-- (?:Data for )?Name: (.*); Type: (.*); Schema: (.*); Owner: ?(.*)$");

    /**
     * Split a plain-text pg_dump into its preamble (the SET commands every session needs, as an
     * entry of type "PREAMBLE") followed by one entry per TOC item, in dump order.
     */
    public static List<Entry> entries(String dump) {
        String[] lines = dump.split("\n", -1);
        List<Entry> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        String type = "PREAMBLE";
        String name = "";
        String schema = "";
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.equals("--") && i + 2 < lines.length && lines[i + 2].equals("--")) {
                Matcher m = HEADER.matcher(lines[i + 1]);
                if (m.matches()) {
                    add(out, type, name, schema, cur);
                    name = m.group(1);
                    type = m.group(2);
                    schema = m.group(3);
                    cur.setLength(0);
                    i += 2;
                    continue;
                }
            }
            if (isMeta(line)) {
                continue;
            }
            cur.append(line).append('\n');
        }
        add(out, type, name, schema, cur);
        return out;
    }

    private static void add(List<Entry> out, String type, String name, String schema, StringBuilder sql) {
        String s = sql.toString().strip();
        if (!statements(s).isEmpty()) {
            out.add(new Entry(type, name, schema, s));
        }
    }

    private static boolean isMeta(String line) {
        return line.startsWith("\\");
    }

    /**
     * Split SQL text into statements (each without its trailing semicolon). Understands
     * '…' (with '' escapes), E'…' (backslash escapes), "…", $tag$…$tag$, line comments and nested
     * block comments; lines that start with a backslash (psql meta-commands) are dropped.
     */
    public static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = sql.length();
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            char c = sql.charAt(i);
            if (lineStart && c == '\\') {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
                continue;
            }
            lineStart = false;
            if (c == '\n') {
                lineStart = true;
                cur.append(c);
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                cur.append(' ');
            } else if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)) && sql.charAt(i - 2) != '_');
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (escapes && d == '\\') {
                        j += 2;
                        continue;
                    }
                    if (d == '\'') {
                        if (j + 1 < n && sql.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                j = Math.min(j + 1, n);
                cur.append(sql, i, j);
                i = j;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == '"') {
                        if (j + 1 < n && sql.charAt(j + 1) == '"') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                j = Math.min(j + 1, n);
                cur.append(sql, i, j);
                i = j;
            } else if (c == '$' && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)) && sql.charAt(i - 1) != '_')) {
                int close = sql.indexOf('$', i + 1);
                String tag = close < 0 ? null : sql.substring(i, close + 1);
                if (tag != null && tag.matches("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$")) {
                    int end = sql.indexOf(tag, close + 1);
                    int j = end < 0 ? n : end + tag.length();
                    cur.append(sql, i, j);
                    i = j;
                } else {
                    cur.append(c);
                    i++;
                }
            } else if (c == ';') {
                String s = cur.toString().strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
                cur.setLength(0);
                i++;
            } else {
                cur.append(c);
                i++;
            }
        }
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        return out;
    }

    /** {@code "name"}: a double-quoted identifier. */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code "schema"."table"}. */
    public static String qualified(String schema, String table) {
        return ident(schema) + "." + ident(table);
    }

    /** {@code 'text'} as a standard-conforming string literal. */
    public static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
