package dev.dolly.cli;

import java.nio.charset.StandardCharsets;

/** A word as one URL path segment: everything but unreserved characters percent-encoded (no "/" or "?" slips in). */
final class PathSegment {
    private PathSegment() {
    }

    static String encode(String word) {
        StringBuilder out = new StringBuilder();
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
