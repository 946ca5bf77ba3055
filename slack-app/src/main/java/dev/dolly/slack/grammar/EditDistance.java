package dev.dolly.slack.grammar;

import java.util.Collection;
import java.util.Optional;

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: {@code destory} → {@code destroy} is 1). */
public final class EditDistance {
    private EditDistance() {}

    public static int between(String a, String b) {
        int n = a.length(), m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = i;
        for (int j = 0; j <= m; j++) d[0][j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[n][m];
    }

    /**
     * The candidate closest to {@code word}, if it is close enough to be a plausible typo: at most a third of the
     * longer word's length (at least 1, at most 3), or a prefix of the candidate ({@code snap} → {@code snapshots}).
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        String w = word.toLowerCase();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int dist = w.length() >= 3 && c.startsWith(w) ? 1 : between(w, c);
            if (dist < bestDistance) {
                best = c;
                bestDistance = dist;
            }
        }
        if (best == null) return Optional.empty();
        int allowed = Math.min(3, Math.max(1, Math.max(w.length(), best.length()) / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }
}
