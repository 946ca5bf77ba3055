package dev.dolly.agent.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RowMaskerTest {

    private static final Transformer UPPER = v -> v.toUpperCase();

    private static String mask(RowMasker m, byte[] row) {
        ByteBuf out = new ByteBuf(16);
        m.mask(row, row.length, out);
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void masksOnlyRuledFieldsAndCopiesTheRestByteForByte() {
        RowMasker m = new RowMasker(Map.of(1, UPPER, 3, v -> "x"));
        byte[] row = "1\tjane\\tdoe\tkeep\\\\me\tsecret\tlast\\n\n".getBytes(StandardCharsets.UTF_8);
        assertThat(mask(m, row)).isEqualTo("1\tJANE\\tDOE\tkeep\\\\me\tx\tlast\\n\n");
        assertThat(m.maskedCount(0)).isEqualTo(1);
    }

    @Test
    void nullStaysNullUnlessTheRuleMapsIt() {
        RowMasker m = new RowMasker(Map.of(0, UPPER, 1, new Transformer() {
            @Override
            public String apply(String value) {
                return "c";
            }

            @Override
            public String applyNull() {
                return "filled";
            }
        }));
        assertThat(mask(m, "\\N\t\\N\tz\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("\\N\tfilled\tz\n");
        assertThat(mask(m, "a\tb".getBytes(StandardCharsets.UTF_8))).isEqualTo("A\tc");
        RowMasker toNull = new RowMasker(Map.of(2, v -> null));
        assertThat(mask(toNull, "a\tb\tc\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("a\tb\t\\N\n");
    }

    @Test
    void shortRowsAreAnError() {
        RowMasker m = new RowMasker(Map.of(3, UPPER));
        assertThatThrownBy(() -> mask(m, "a\tb\n".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noRulesCopiesTheRow() {
        RowMasker m = new RowMasker(Map.of());
        assertThat(mask(m, "a\\\\b\tc\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("a\\\\b\tc\n");
    }

    @Provide
    Arbitrary<List<String>> rows() {
        Arbitrary<String> field = Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab\t\n\r\\é✓ N\u000b\b\f").ofMaxLength(12),
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.just(null));
        return field.list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 400)
    void unmaskedFieldsRoundTripExactly(@ForAll("rows") List<String> fields, @ForAll @IntRange(min = 0, max = 7) int col) {
        Assume.that(col < fields.size());
        for (String f : fields) {
            Assume.that(f == null || (f.indexOf('\u0000') < 0
                    && new String(f.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(f)));
        }
        String[] in = fields.toArray(new String[0]);
        byte[] row = CopyText.encodeRow(in);
        RowMasker m = new RowMasker(Map.of(col, v -> "M"));
        ByteBuf out = new ByteBuf(8);
        m.mask(row, row.length, out);
        String[] expected = Arrays.copyOf(in, in.length);
        if (expected[col] != null) {
            expected[col] = "M";
        }
        assertThat(out.toByteArray()).isEqualTo(CopyText.encodeRow(expected));
        assertThat(CopyText.decodeRow(out.toByteArray(), out.size())).containsExactly(expected);
    }
}
