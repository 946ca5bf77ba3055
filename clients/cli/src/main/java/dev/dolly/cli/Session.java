package dev.dolly.cli;

import java.net.http.HttpClient;
import java.time.Duration;

/** One run of the CLI: its I/O, the saved login, the output asked for, and the user API reached with them. */
final class Session {
    private final Io io;
    private final ConfigFile config;
    private final HttpClient http;
    private Output output = Output.TABLE;

    Session(Io io, HttpClient http) {
        this.io = io;
        this.config = new ConfigFile(io);
        this.http = http;
    }

    Io io() {
        return io;
    }

    ConfigFile config() {
        return config;
    }

    Output output() {
        return output;
    }

    void output(Output output) {
        this.output = output;
    }

    /** The user API with the saved (or the environment's) credentials; exits 2 when there are none. */
    UserApi api() {
        return api(config.load());
    }

    UserApi api(Credentials credentials) {
        return new UserApi(http, credentials, timeout(), output, io.err());
    }

    private Duration timeout() {
        String seconds = io.env("DOLLY_TIMEOUT");
        try {
            return Duration.ofSeconds(seconds == null ? 300 : Long.parseLong(seconds.trim()));
        } catch (NumberFormatException e) {
            throw CliExit.usage("DOLLY_TIMEOUT must be a number of seconds");
        }
    }
}
