package dev.dolly.config;

import java.util.Collection;
import java.util.Optional;
import java.util.function.ToIntFunction;

/** The known name nearest to a misspelt one (edit distance), for "did you mean" hints: config keys, masked tables and columns. */
public final class Suggestions {
    private Suggestions() {}

    /**
     * The candidate closest to {@code word}, ignoring case, if it is within a third of the word's length (at least 2
     * edits); a candidate that starts with the word counts as one edit away. For config keys.
     */
    public static Optional<String> nearest(String word, Collection<String> candidates) {
        String w = word.toLowerCase();
        return best(word, candidates, c -> {
            String k = c.toLowerCase();
            // a known key that extends the word ("password" → "passwordEnv") counts as one edit
            return k.startsWith(w) && !w.isEmpty() ? 1 : distance(w, k);
        });
    }

    /** The candidate closest to {@code word} as spelt (case counts), within the same reach as {@link #nearest}. */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        return best(word, candidates, c -> distance(word, c));
    }

    /** The first candidate at the least distance, if that is within a third of the word's length (at least 2). */
    private static Optional<String> best(String word, Collection<String> candidates, ToIntFunction<String> distanceTo) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distanceTo.applyAsInt(c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, word.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Levenshtein distance (insertions, deletions and substitutions). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
