package dev.dolly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process against a real HTTP server standing in for the user API. */
class DollyTest {
    private static final String TOKEN = "dolly_pat_" + "T".repeat(40) + "abc";

    record Seen(String method, String path, String auth, String accept, String body) {
    }

    @TempDir
    Path home;

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "CLONE  STATE\nx      READY\n";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Accept"), body));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private Map<String, String> env(boolean withCredentials) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("DOLLY_CONFIG_DIR", home.resolve("config-dir").toString());
        if (withCredentials) {
            env.put("DOLLY_URL", url() + "/");
            env.put("DOLLY_TOKEN", TOKEN);
        }
        return env;
    }

    private int run(Map<String, String> env, String stdin, String... args) {
        out.reset();
        err.reset();
        Io io = new Io(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), () -> false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Dolly(io, HttpClient.newHttpClient()).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_verb_is_sent_as_its_words_with_the_token_in_the_header_and_the_answer_printed_as_it_came() {
        int code = run(env(true), "", "create", "shop", "--name", "a b", "--", "@file", "-ojson", "--ttl=4h", "-only", "-o=json");
        assertThat(code).isZero();
        assertThat(out()).isEqualTo("CLONE  STATE\nx      READY\n");
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v1/commands");
        assertThat(request.auth()).isEqualTo("Bearer " + TOKEN);
        assertThat(request.accept()).isEqualTo("text/plain");
        assertThat(request.body()).isEqualTo("{\"args\":[\"create\",\"shop\",\"--name\",\"a b\",\"--\",\"@file\",\"-ojson\",\"--ttl=4h\",\"-only\",\"-o=json\"]}");
    }

    @Test
    void output_json_anywhere_on_the_line_asks_for_json_and_ends_it_with_a_line_end() {
        answer = "{\"clones\":[]}";
        assertThat(run(env(true), "", "list", "--output=json", "--all")).isZero();
        assertThat(out()).isEqualTo("{\"clones\":[]}\n");
        assertThat(seen.get(0).accept()).isEqualTo("application/json");
        assertThat(seen.get(0).body()).isEqualTo("{\"args\":[\"list\",\"--all\"]}");
        assertThat(run(env(true), "", "list", "-o", "xml")).isEqualTo(2);
        assertThat(err()).isEqualTo("dolly: --output must be table or json\n");
    }

    @Test
    void refusals_show_the_message_and_exit_by_status() {
        answer = "{\"error\":\"unauthorized\",\"message\":\"Token tok-1 was revoked. Get a new one.\"}";
        status = 401;
        assertThat(run(env(true), "", "list")).isEqualTo(4);
        assertThat(err()).isEqualTo("Token tok-1 was revoked. Get a new one.\n");
        assertThat(run(env(true), "", "list", "--output", "json")).isEqualTo(4);
        assertThat(err()).isEqualTo(answer + "\n");
        status = 400;
        answer = "There is no command crate. Did you mean create?\n";
        assertThat(run(env(true), "", "crate")).isEqualTo(3);
        assertThat(err()).isEqualTo(answer);
        status = 503;
        assertThat(run(env(true), "", "list")).isEqualTo(5);
        assertThat(err()).endsWith("dolly: Dolly answered HTTP 503\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void login_proves_and_saves_the_token_0600_in_a_0700_directory_and_refuses_it_in_argv() throws IOException {
        assertThat(run(env(false), "", "login", "--url", url(), "--token", TOKEN)).isEqualTo(2);
        assertThat(err()).contains("--with-token");
        assertThat(seen).isEmpty();
        assertThat(run(env(false), TOKEN + "\n", "login", "--url", url() + "/", "--with-token")).isZero();
        Path config = home.resolve("config-dir/config");
        assertThat(Files.readString(config)).isEqualTo("url=" + url() + "\ntoken=" + TOKEN + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent()))).isEqualTo("rwx------");
        assertThat(seen.get(0).body()).isEqualTo("{\"args\":[\"token\",\"list\"]}");
        assertThat(err()).doesNotContain(TOKEN);

        assertThat(run(env(false), "", "show", "x")).isZero();
        assertThat(seen.get(1).auth()).isEqualTo("Bearer " + TOKEN);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(run(env(false), "", "show", "x")).isEqualTo(2);
        assertThat(err()).contains("readable by others: chmod 600");
    }

    @Test
    void login_checks_what_it_reads_before_any_call() {
        assertThat(run(env(false), "dolly_pat_x\n", "login", "--with-token")).isEqualTo(2);
        assertThat(err()).isEqualTo("dolly: login: --url URL is needed when stdin is not a terminal\n");
        assertThat(run(env(false), "not-a-token\n", "login", "--url", url(), "--with-token")).isEqualTo(2);
        assertThat(err()).contains("looks like dolly_pat_");
        assertThat(run(env(false), TOKEN + "\n", "login", "--url", "ftp://x", "--with-token")).isEqualTo(2);
        assertThat(err()).contains("is not an http(s) URL");
        assertThat(seen).isEmpty();
    }

    @Test
    void env_prints_shell_quoted_exports_of_the_connection_only() {
        answer = "DOLLY_CLONE=x\nPGHOST=localhost\nPGPASSWORD=p w'$(x)==\nEVIL=1\n";
        assertThat(run(env(true), "", "env", "x y")).isZero();
        assertThat(seen.get(0).path()).isEqualTo("/api/v1/clones/x%20y/password?format=env");
        assertThat(out()).isEqualTo("export DOLLY_CLONE=x\nexport PGHOST=localhost\nexport PGPASSWORD='p w'\\''$(x)=='\n");
        assertThat(run(env(true), "", "env")).isEqualTo(2);
        answer = "PGHOST=localhost\n";
        assertThat(run(env(true), "", "env", "x")).isEqualTo(5);
        assertThat(err()).isEqualTo("dolly: no password in the answer\n");
    }

    @Test
    void psql_is_looked_up_on_path_before_the_password_is_rotated() {
        Map<String, String> env = env(true);
        env.put("PATH", home.resolve("empty").toString());
        assertThat(run(env, "", "psql", "x", "-o", "out.txt")).isEqualTo(2);
        assertThat(err()).isEqualTo("dolly: psql is not installed\n");
        assertThat(seen).isEmpty();
    }

    @Test
    void help_before_login_is_local_and_after_it_the_servers_plus_the_terminals() {
        assertThat(run(env(false), "")).isZero();
        assertThat(out()).contains("dolly login").contains("Not logged in yet");
        assertThat(seen).isEmpty();
        answer = "Usage: /dolly <verb>\n";
        assertThat(run(env(true), "", "help")).isZero();
        assertThat(out()).startsWith(answer).contains("In a terminal also:").contains("dolly completion bash|zsh");
        assertThat(seen.get(0).body()).isEqualTo("{\"args\":[\"help\"]}");
    }

    @Test
    void nothing_configured_says_to_log_in() {
        assertThat(run(env(false), "", "list")).isEqualTo(2);
        assertThat(err()).isEqualTo("dolly: not logged in: run `dolly login` (or set DOLLY_URL and DOLLY_TOKEN)\n");
    }

    @Test
    void completion_is_picocli_generated_and_names_every_verb_and_own_command() {
        assertThat(run(env(false), "", "completion", "zsh")).isZero();
        String script = out();
        assertThat(script).contains("complete -F _complete_dolly").contains("bashcompinit").contains("_dolly() {");
        for (CompletionCommand.Verb verb : CompletionCommand.VERBS) {
            assertThat(script).contains(verb.name());
        }
        assertThat(script).contains("psql").contains("login").contains("--savepoint").contains("--with-token");
        assertThat(run(env(false), "", "completion", "fish")).isEqualTo(2);
        assertThat(err()).isEqualTo("dolly: completion: bash or zsh\n");
    }
}
