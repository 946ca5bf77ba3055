package dev.dolly.agent.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Names in SQL: parsing a (possibly qualified, possibly quoted) name out of a statement, and quoting a name the agent
 * puts into SQL it builds itself. The one place identifiers are quoted.
 */
public final class SqlNames {
    /** One name part: {@code "quoted ""x"""} or a bare identifier. */
    public static final String PART = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_\\x80-\\uffff][A-Za-z0-9_$\\x80-\\uffff]*)";
    /** A name, optionally schema-qualified. */
    public static final String NAME = PART + "(?:\\s*\\.\\s*" + PART + ")?";

    private SqlNames() {}

    /** The identifier quoted for SQL: double quotes, inner quotes doubled; refuses NUL. */
    public static String quote(String ident) {
        if (ident == null || ident.isEmpty() || ident.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an identifier");
        }
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    /** schema.name quoted; {@code schema} may be null. */
    public static String qualified(String schema, String name) {
        return schema == null ? quote(name) : quote(schema) + "." + quote(name);
    }

    /** The parts of a parsed name as PostgreSQL would resolve them: bare parts lower-cased, quotes removed. */
    public static List<String> parts(String name) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < name.length()) {
                    if (name.charAt(i) == '"') {
                        if (i + 1 < name.length() && name.charAt(i + 1) == '"') {
                            b.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    b.append(name.charAt(i++));
                }
                out.add(b.toString());
            } else if (c == '.' || Character.isWhitespace(c)) {
                i++;
            } else {
                int s = i;
                while (i < name.length() && name.charAt(i) != '.' && !Character.isWhitespace(name.charAt(i))) {
                    i++;
                }
                out.add(name.substring(s, i).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** A parsed name as one key: {@code table} for {@code public.table}, else {@code schema.table}. */
    public static String key(String name) {
        List<String> p = parts(name);
        if (p.size() == 2 && p.get(0).equals("public")) {
            return p.get(1);
        }
        return String.join(".", p);
    }
}
