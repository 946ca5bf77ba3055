package dev.dolly.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The saved login: url= and token= lines in $DOLLY_CONFIG_DIR/config (else $XDG_CONFIG_HOME/dolly/config, else
 * ~/.config/dolly/config), written 0600 in a 0700 directory and refused when others may read it. DOLLY_URL and
 * DOLLY_TOKEN override it.
 */
final class ConfigFile {
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Io io;
    private final Path dir;

    ConfigFile(Io io) {
        this.io = io;
        String configDir = io.env("DOLLY_CONFIG_DIR");
        if (configDir != null) {
            dir = Path.of(configDir);
        } else {
            String xdg = io.env("XDG_CONFIG_HOME");
            dir = (xdg != null ? Path.of(xdg) : Path.of(home(io), ".config")).resolve("dolly");
        }
    }

    private static String home(Io io) {
        String home = io.env("HOME");
        return home != null ? home : System.getProperty("user.home");
    }

    Path path() {
        return dir.resolve("config");
    }

    boolean exists() {
        return Files.isRegularFile(path());
    }

    /** The credentials to use: the environment's over the file's; exits 2 when either is missing. */
    Credentials load() {
        String url = null;
        String token = null;
        Path file = path();
        if (Files.isRegularFile(file)) {
            try {
                if (Files.getPosixFilePermissions(file).stream().anyMatch(OTHERS::contains)) {
                    throw CliExit.usage(file + " is readable by others: chmod 600 " + file);
                }
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.startsWith("url=")) {
                        url = line.substring(4);
                    } else if (line.startsWith("token=")) {
                        token = line.substring(6);
                    }
                }
            } catch (IOException e) {
                throw new CliExit("cannot read " + file + ": " + e.getMessage(), 1);
            }
        }
        url = io.env("DOLLY_URL") != null ? io.env("DOLLY_URL") : url;
        token = io.env("DOLLY_TOKEN") != null ? io.env("DOLLY_TOKEN") : token;
        if (url == null || url.isEmpty() || url.equals("/")) {
            throw CliExit.usage("not logged in: run `dolly login` (or set DOLLY_URL and DOLLY_TOKEN)");
        }
        if (token == null || token.isEmpty()) {
            throw CliExit.usage("no token: get one with `/dolly token` in Slack, then run `dolly login` (or set DOLLY_TOKEN)");
        }
        return new Credentials(url, token);
    }

    /** Saves them atomically: a 0600 file written beside the old one in the 0700 directory, then moved over it. */
    void save(Credentials credentials) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            Path tmp = Files.createTempFile(dir, "config.", "", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            Files.writeString(tmp, "url=" + credentials.url() + "\ntoken=" + credentials.token() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
