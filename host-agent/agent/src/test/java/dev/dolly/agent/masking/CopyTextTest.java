package dev.dolly.agent.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CopyTextTest {

    private static String enc(String s) {
        ByteBuf b = new ByteBuf(8);
        CopyText.encode(s, b);
        return new String(b.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String dec(String field) {
        byte[] b = field.getBytes(StandardCharsets.UTF_8);
        return CopyText.decode(b, 0, b.length);
    }

    @Test
    void escapesLikeTheServer() {
        assertThat(enc("plain")).isEqualTo("plain");
        assertThat(enc("a\tb\nc\rd\\e")).isEqualTo("a\\tb\\nc\\rd\\\\e");
        assertThat(enc("\b\f\u000b")).isEqualTo("\\b\\f\\v");
        assertThat(enc("\\N")).isEqualTo("\\\\N");   // the text "\N" is not NULL
        assertThat(enc("ünï©ødé ✓ 🚀")).isEqualTo("ünï©ødé ✓ 🚀");
    }

    @Test
    void decodesEveryEscapeTheServerAccepts() {
        assertThat(dec("a\\tb\\nc\\\\d")).isEqualTo("a\tb\nc\\d");
        assertThat(dec("\\101\\x42\\x4a")).isEqualTo("ABJ");
        assertThat(dec("\\q")).isEqualTo("q");
        assertThat(dec("\\b\\f\\v\\r")).isEqualTo("\b\f\u000b\r");
        assertThat(dec("é")).isEqualTo("é");
    }

    @Test
    void nullMarker() {
        byte[] b = "\\N".getBytes(StandardCharsets.UTF_8);
        assertThat(CopyText.isNull(b, 0, 2)).isTrue();
        byte[] t = "\\\\N".getBytes(StandardCharsets.UTF_8);
        assertThat(CopyText.isNull(t, 0, t.length)).isFalse();
    }

    @Test
    void rowsRoundTrip() {
        byte[] row = CopyText.encodeRow("1", null, "a\tb", "", "\\N", "line1\nline2");
        assertThat(new String(row, StandardCharsets.UTF_8)).isEqualTo("1\t\\N\ta\\tb\t\t\\\\N\tline1\\nline2\n");
        assertThat(CopyText.decodeRow(row, row.length)).containsExactly("1", null, "a\tb", "", "\\N", "line1\nline2");
    }

    @Property(tries = 500)
    void encodeThenDecodeIsIdentity(@ForAll String s) {
        Assume.that(s.indexOf('\u0000') < 0 && new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s));
        ByteBuf b = new ByteBuf(4);
        CopyText.encode(s, b);
        byte[] bytes = b.toByteArray();
        for (byte x : bytes) {
            assertThat(x).isNotEqualTo(CopyText.TAB).isNotEqualTo(CopyText.NEWLINE);
        }
        assertThat(CopyText.decode(bytes, 0, bytes.length)).isEqualTo(s);
    }
}
