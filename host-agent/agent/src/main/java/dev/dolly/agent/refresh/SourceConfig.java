package dev.dolly.agent.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.agent.masking.MaskingConfigException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A template's {@code source:} section: where the production database is and which cluster it
 * must be.
 *
 * <pre>
 * source:
 *   host: db.prod.internal
 *   port: 5432
 *   database: shop
 *   user: dolly_reader
 *   passwordEnv: DOLLY_SOURCE_SHOP_PASSWORD   # default DOLLY_SOURCE_&lt;TEMPLATE&gt;_PASSWORD
 *   sslRootCert: /etc/dolly/prod-ca.pem       # the CA that signed the server's certificate (optional)
 *   sslmode: verify-full                      # default: verify-full with sslRootCert, require without
 *   systemIdentifier: "7312087654321098765"   # pinned: pg_control_system().system_identifier
 * </pre>
 *
 * The password never sits in the file: it is read from the environment variable named by
 * {@code passwordEnv} (absent means no password: trust, peer or a .pgpass file).
 *
 * <p>The source is production: by default its connections are encrypted ({@code require}) and, when a CA is
 * configured, the server's certificate and name are verified ({@code verify-full}). A template may ask for less
 * ({@code prefer}, {@code allow}, or {@code disable} for a source without TLS such as the local demo) only by
 * saying so; every refresh of it then carries {@link #tlsWarning()} in its result.
 */
public record SourceConfig(String host, int port, String database, String user, String passwordEnv, String sslmode,
                           String sslRootCert, String systemIdentifier, int connectTimeoutSeconds) {

    private static final Set<String> KEYS = Set.of("host", "port", "database", "user", "passwordEnv", "sslmode", "sslRootCert",
            "systemIdentifier", "connectTimeout");
    private static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** Modes that may connect without encryption or to an unverified server when a CA is at hand. */
    private static final Set<String> WEAK = Set.of("disable", "allow", "prefer");

    public static SourceConfig parse(JsonNode n, String template) {
        String where = "templates." + template + ".source";
        if (n == null || !n.isObject()) {
            throw new MaskingConfigException(where + ": expected a map with host, port, database, user, systemIdentifier");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("password")) {
                throw new MaskingConfigException(where + ".password: passwords do not belong in the config file; put it in an "
                        + "environment variable and name it with passwordEnv (default " + defaultPasswordEnv(template) + ")");
            }
            if (!KEYS.contains(f)) {
                throw new MaskingConfigException(where + ": unknown key '" + f + "' (allowed: " + String.join(", ", KEYS) + ")");
            }
        }
        String host = text(n, "host", null);
        String database = text(n, "database", null);
        String user = text(n, "user", null);
        if (host == null || database == null || user == null) {
            throw new MaskingConfigException(where + ": host, database and user are required");
        }
        int port = n.has("port") ? n.get("port").asInt(0) : 5432;
        if (port < 1 || port > 65535) {
            throw new MaskingConfigException(where + ".port: a TCP port, got " + n.get("port"));
        }
        String rootCert = text(n, "sslRootCert", null);
        String sslmode = text(n, "sslmode", rootCert == null ? "require" : "verify-full").toLowerCase(Locale.ROOT);
        if (!SSLMODES.contains(sslmode)) {
            throw new MaskingConfigException(where + ".sslmode: one of " + String.join(", ", SSLMODES));
        }
        String sysid = text(n, "systemIdentifier", null);
        if (sysid != null && !sysid.matches("\\d{1,20}")) {
            throw new MaskingConfigException(where + ".systemIdentifier: the number from "
                    + "'SELECT system_identifier FROM pg_control_system()' (quote it in YAML), got '" + sysid + "'");
        }
        int timeout = n.has("connectTimeout") ? n.get("connectTimeout").asInt(10) : 10;
        return new SourceConfig(host, port, database, user, text(n, "passwordEnv", defaultPasswordEnv(template)), sslmode,
                rootCert, sysid, timeout);
    }

    private static String text(JsonNode n, String f, String dflt) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    public static String defaultPasswordEnv(String template) {
        return "DOLLY_SOURCE_" + template.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_PASSWORD";
    }

    public String password(Function<String, String> env) {
        String p = env.apply(passwordEnv);
        return p == null || p.isEmpty() ? null : p;
    }

    /** libpq environment for pg_dump/pg_dumpall against this source (the password travels here, never in argv). */
    public Map<String, String> libpqEnv(Function<String, String> env) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PGHOST", host);
        m.put("PGPORT", Integer.toString(port));
        m.put("PGUSER", user);
        m.put("PGDATABASE", database);
        m.put("PGSSLMODE", sslmode);
        if (sslRootCert != null) {
            m.put("PGSSLROOTCERT", sslRootCert);
        }
        m.put("PGCONNECT_TIMEOUT", Integer.toString(connectTimeoutSeconds));
        m.put("PGAPPNAME", "dolly-refresh");
        m.put("PGOPTIONS", "-c default_transaction_read_only=on");
        String pw = password(env);
        if (pw != null) {
            m.put("PGPASSWORD", pw);
        }
        return m;
    }

    /** The warning a refresh of this source carries when its template chose a weak sslmode; null otherwise. */
    public String tlsWarning() {
        if (!WEAK.contains(sslmode)) {
            return null;
        }
        return "the source connection may be unencrypted (sslmode " + sslmode + ", set by the template): production data can "
                + "cross the network in clear; use sslmode require, or verify-full with sslRootCert";
    }

    public String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
