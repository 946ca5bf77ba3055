package dev.dolly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PartsTest {

    @Test
    void shell_quote_leaves_plain_words_and_single_quotes_the_rest() {
        assertThat(ShellQuote.quote("localhost")).isEqualTo("localhost");
        assertThat(ShellQuote.quote("a=b/c:6001")).isEqualTo("a=b/c:6001");
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.quote("p w'$(x)")).isEqualTo("'p w'\\''$(x)'");
        assertThat(ShellQuote.quote("~root")).isEqualTo("'~root'");
    }

    @Test
    void refusal_text_reads_a_json_message_unless_json_is_asked_for() {
        String json = "{\"error\":\"forbidden\",\"message\":\"Refused: \\\"a\\\\b\\\" \\u00e9\\nnext\\ttab\",\"field\":\"clone\"}";
        assertThat(Refusal.text(json, Output.TABLE)).isEqualTo("Refused: \"a\\b\" \u00e9\nnext\ttab\n");
        assertThat(Refusal.text(json, Output.JSON)).isEqualTo(json + "\n");
        assertThat(Refusal.text("{\"error\":\"x\"}\n", Output.TABLE)).isEqualTo("{\"error\":\"x\"}\n");
        assertThat(Refusal.text("plain words", Output.TABLE)).isEqualTo("plain words\n");
    }

    @Test
    void a_clone_name_is_one_path_segment() {
        assertThat(PathSegment.encode("my-db_1.x")).isEqualTo("my-db_1.x");
        assertThat(PathSegment.encode("../x?y z")).isEqualTo("..%2Fx%3Fy%20z");
        assertThat(PathSegment.encode("é")).isEqualTo("%C3%A9");
    }

    @Test
    void connection_lines_keep_the_names_asked_for_and_every_equals_sign_of_a_value() {
        var lines = ConnectionLines.parse("DOLLY_CLONE=x\nPGPASSWORD=ab==\nEVIL=1\nPGHOST=h\n=x\nnoequals\n", ConnectionLines.PG_NAMES);
        assertThat(lines).containsExactly(java.util.Map.entry("PGPASSWORD", "ab=="), java.util.Map.entry("PGHOST", "h"));
    }

    @Test
    void a_line_is_read_up_to_its_end_and_no_further() {
        var in = new ByteArrayInputStream("one\ntwo".getBytes(StandardCharsets.UTF_8));
        assertThat(Terminal.readLine(in)).isEqualTo("one");
        assertThat(Terminal.readLine(in)).isEqualTo("two");
        assertThat(Terminal.readLine(in)).isEmpty();
    }

    @Test
    void credentials_drop_a_trailing_slash_and_never_print_the_token() {
        var credentials = new Credentials("http://x/", "dolly_pat_secret");
        assertThat(credentials.url()).isEqualTo("http://x");
        assertThat(credentials.toString()).doesNotContain("secret");
    }
}
