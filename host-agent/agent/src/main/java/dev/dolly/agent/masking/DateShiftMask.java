package dev.dolly.agent.masking;

import dev.dolly.agent.masking.ColumnType.Family;
import java.time.LocalDate;

/**
 * Rule {@code dateShift}: moves a date or timestamp by a keyed pseudo-random number of days (at most {@code days}), never by zero.
 */
final class DateShiftMask {

    private DateShiftMask() {}

    static Transformer create(Rule rule, ColumnType type, Prf p) {
        Family f = type.family();
        boolean lenient = f.textLike();  // strings inside json paths
        if (!f.temporal() && !lenient) {
            throw Transformers.typeError(rule, type, "date, timestamp or timestamptz");
        }
        int days = rule.integer("days", 30, 1, 36500);
        return v -> {
            try {
                return shiftDate(v, days, p);
            } catch (RuntimeException e) {
                if (lenient) {
                    return null;  // not a date: never let it through unmasked
                }
                throw new IllegalArgumentException("cannot shift date value of type " + type.sqlType());
            }
        };
    }

    static String shiftDate(String v, int days, Prf p) {
        String s = v.trim();
        if (s.equals("infinity") || s.equals("-infinity")) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        if (bc) {
            s = s.substring(0, s.length() - 3);
        }
        int sep = 0;
        // the date part: digits, '-', up to ' ' or 'T'
        int dash1 = s.indexOf('-', 1);
        if (dash1 < 0) {
            throw new IllegalArgumentException("not a date");
        }
        sep = s.length();
        for (int i = dash1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == 'T') {
                sep = i;
                break;
            }
        }
        String datePart = s.substring(0, sep);
        String rest = s.substring(sep);
        int d2 = datePart.indexOf('-', dash1 + 1);
        int year = Integer.parseInt(datePart.substring(0, dash1));
        int month = Integer.parseInt(datePart.substring(dash1 + 1, d2));
        int day = Integer.parseInt(datePart.substring(d2 + 1));
        int isoYear = bc ? 1 - year : year;
        long h = p.hash64(v);
        int magnitude = 1 + (int) Long.remainderUnsigned(h >>> 1, days);
        int offset = (h & 1) == 0 ? magnitude : -magnitude;
        LocalDate shifted;
        try {
            shifted = LocalDate.of(isoYear, month, day).plusDays(offset);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a date", e);
        }
        int y = shifted.getYear();
        boolean outBc = y <= 0;
        int shownYear = outBc ? 1 - y : y;
        StringBuilder out = new StringBuilder(s.length() + 3);
        String ys = Integer.toString(shownYear);
        for (int i = ys.length(); i < 4; i++) {
            out.append('0');
        }
        out.append(ys).append('-');
        int m = shifted.getMonthValue();
        int dd = shifted.getDayOfMonth();
        out.append(m < 10 ? "0" : "").append(m).append('-').append(dd < 10 ? "0" : "").append(dd);
        return out.append(rest).append(outBc ? " BC" : "").toString();
    }
}
