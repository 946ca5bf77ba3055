package dev.dolly.control.api;

import java.util.Locale;

/** Durations and sizes as fronts show a migration check's figures: {@code 850 ms}, {@code 4.2 s}, {@code 3 min 5 s}; {@code 12.0 MB}. */
public final class Figures {
    private Figures() {}

    public static String ms(Long ms) {
        if (ms == null) return "–";
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        long s = ms / 1000;
        return s / 60 + " min " + s % 60 + " s";
    }

    public static String bytes(long b) {
        long a = Math.abs(b);
        String sign = b < 0 ? "-" : "";
        if (a < 1024) return sign + a + " B";
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = a;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return sign + String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
