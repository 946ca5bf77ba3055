package dev.dolly.agent.masking;

/**
 * PostgreSQL array literals in text form ({@code {a,"b c",NULL}}, nested {@code {{1,2},{3,4}}},
 * optional dimension decoration {@code [0:1]={…}}). {@link #map} applies a transformer to every
 * element and keeps the structure; output elements are always double-quoted (valid input for any
 * element type), NULL elements stay NULL unless the transformer maps NULL.
 */
public final class PgArray {

    private PgArray() {}

    public static String map(String literal, Transformer t) {
        StringBuilder out = new StringBuilder(literal.length() + 16);
        int i = 0;
        int n = literal.length();
        if (n > 0 && literal.charAt(0) == '[') {
            int eq = literal.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("malformed array literal");
            }
            out.append(literal, 0, eq + 1);
            i = eq + 1;
        }
        StringBuilder elem = new StringBuilder();
        while (i < n) {
            char c = literal.charAt(i);
            if (c == '{' || c == '}' || c == ',') {
                out.append(c);
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                elem.setLength(0);
                i++;
                while (i < n && literal.charAt(i) != '"') {
                    char d = literal.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        elem.append(literal.charAt(i + 1));
                        i += 2;
                    } else {
                        elem.append(d);
                        i++;
                    }
                }
                i++; // closing quote
                appendElement(out, t.apply(elem.toString()));
            } else {
                elem.setLength(0);
                while (i < n) {
                    char d = literal.charAt(i);
                    if (d == ',' || d == '}') {
                        break;
                    }
                    if (d == '\\' && i + 1 < n) {
                        elem.append(literal.charAt(i + 1));
                        i += 2;
                    } else {
                        elem.append(d);
                        i++;
                    }
                }
                String v = elem.toString().strip();
                if (v.equalsIgnoreCase("NULL")) {
                    appendElement(out, t.applyNull());
                } else {
                    appendElement(out, t.apply(v));
                }
            }
        }
        return out.toString();
    }

    private static void appendElement(StringBuilder out, String v) {
        if (v == null) {
            out.append("NULL");
            return;
        }
        out.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
