package dev.dolly.agent.masking;

import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL COPY text format (the default format of {@code COPY … TO STDOUT}): fields separated
 * by a tab byte, rows ended by a newline byte, {@code \N} for NULL, and backslash escapes for
 * backslash, backspace, form feed, newline, carriage return, tab and vertical tab (plus octal
 * {@code \ooo} and hex {@code \xhh} on input). A raw tab or newline byte never occurs inside a
 * field, and UTF-8 continuation bytes never equal them, so fields are found by scanning bytes.
 *
 * <p>Unmasked fields are never decoded: the row masker copies their bytes untouched, which is what
 * makes escaping round-trip exactly. Only fields with a rule go through {@link #decode} and
 * {@link #encode}.
 */
public final class CopyText {

    public static final byte TAB = '\t';
    public static final byte NEWLINE = '\n';
    public static final byte BACKSLASH = '\\';

    private CopyText() {}

    /** True if {@code b[start,end)} is the NULL marker {@code \N}. */
    public static boolean isNull(byte[] b, int start, int end) {
        return end - start == 2 && b[start] == BACKSLASH && b[start + 1] == 'N';
    }

    /** Index of the next tab at or after {@code from}, or {@code end} if none. */
    public static int fieldEnd(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == TAB) {
                return i;
            }
        }
        return end;
    }

    /** Decode one non-NULL field to its text value (unescape, then UTF-8). */
    public static String decode(byte[] b, int start, int end) {
        int i = start;
        while (i < end && b[i] != BACKSLASH) {
            i++;
        }
        if (i == end) {
            return new String(b, start, end - start, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[end - start];
        int n = i - start;
        System.arraycopy(b, start, out, 0, n);
        while (i < end) {
            byte c = b[i++];
            if (c != BACKSLASH || i == end) {
                out[n++] = c;
                continue;
            }
            byte e = b[i++];
            switch (e) {
                case 'b' -> out[n++] = '\b';
                case 'f' -> out[n++] = '\f';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'v' -> out[n++] = 0x0b;
                case 'x' -> {
                    int v = 0;
                    int digits = 0;
                    while (digits < 2 && i < end && hex(b[i]) >= 0) {
                        v = v * 16 + hex(b[i++]);
                        digits++;
                    }
                    if (digits == 0) {
                        out[n++] = 'x';
                    } else {
                        out[n++] = (byte) v;
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int digits = 1;
                        while (digits < 3 && i < end && b[i] >= '0' && b[i] <= '7') {
                            v = v * 8 + (b[i++] - '0');
                            digits++;
                        }
                        out[n++] = (byte) v;
                    } else {
                        out[n++] = e;
                    }
                }
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Append {@code value} (non-null) in COPY text form, escaped exactly as the server does. */
    public static void encode(String value, ByteBuf out) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c > '\\' || (c >= ' ' && c != '\\') || c < 0) {
                continue;   // the common case: nothing to escape
            }
            char e = switch (c) {
                case '\\' -> '\\';
                case '\b' -> 'b';
                case '\f' -> 'f';
                case '\n' -> 'n';
                case '\r' -> 'r';
                case '\t' -> 't';
                case 0x0b -> 'v';
                default -> 0;
            };
            if (e == 0) {
                continue;   // other control characters travel raw, as the server prints them
            }
            out.write(b, start, i - start);
            out.write('\\');
            out.write(e);
            start = i + 1;
        }
        out.write(b, start, b.length - start);
    }

    /** Append the NULL marker. */
    public static void writeNull(ByteBuf out) {
        out.write('\\');
        out.write('N');
    }

    /** Encode a whole row (null elements are SQL NULL), newline-terminated. For tests and tools. */
    public static byte[] encodeRow(String... fields) {
        ByteBuf out = new ByteBuf(64);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.write(TAB);
            }
            if (fields[i] == null) {
                writeNull(out);
            } else {
                encode(fields[i], out);
            }
        }
        out.write(NEWLINE);
        return out.toByteArray();
    }

    /** Decode a whole newline-terminated row into its fields (null for SQL NULL). */
    public static String[] decodeRow(byte[] row, int len) {
        int end = len > 0 && row[len - 1] == NEWLINE ? len - 1 : len;
        java.util.List<String> fields = new java.util.ArrayList<>();
        int start = 0;
        while (true) {
            int e = fieldEnd(row, start, end);
            fields.add(isNull(row, start, e) ? null : decode(row, start, e));
            if (e >= end) {
                break;
            }
            start = e + 1;
        }
        return fields.toArray(new String[0]);
    }
}
