package dev.dolly.slack.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a slash command's text into words. Understands what Slack does to text on the way: HTML entities
 * ({@code &amp;lt;}), curly quotes, and the em/en dash that some clients type for {@code --}.
 */
public final class Tokenizer {
    private Tokenizer() {}

    public static List<String> split(String text) {
        String s = normalize(text);
        List<String> words = new ArrayList<>();
        StringBuilder current = null;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                if (current == null) current = new StringBuilder();
                quote = c;
            } else if (Character.isWhitespace(c)) {
                if (current != null) {
                    words.add(current.toString());
                    current = null;
                }
            } else {
                if (current == null) current = new StringBuilder();
                current.append(c);
            }
        }
        if (current != null) words.add(current.toString());
        return words;
    }

    static String normalize(String text) {
        if (text == null) return "";
        return text
                .replace('\u201c', '"').replace('\u201d', '"')
                .replace('\u2018', '\'').replace('\u2019', '\'')
                .replace("\u2014", "--").replace("\u2013", "--")
                .replace('\u00a0', ' ')
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
