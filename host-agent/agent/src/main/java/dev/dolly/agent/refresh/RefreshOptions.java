package dev.dolly.agent.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.agent.masking.MaskingConfigException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A template's {@code refresh:} section (the agent part; {@code schedule} belongs to the control
 * plane and is ignored here).
 *
 * <pre>
 * refresh:
 *   schedule: "cron(0 3 * * ? *)"   # control plane
 *   workers: 2                      # parallel COPY streams (and post-data/ANALYZE connections)
 *   roles: true                     # carry roles over (never their passwords)
 *   stripManagedOptions: false      # drop SUPERUSER/REPLICATION/BYPASSRLS, GRANTED BY, and rds/cloudsql/azure internal roles
 *   largeObjects: refuse            # refuse | skip | copy (copied unmasked)
 *   schemas: [public]               # only these schemas (default: all)
 *   excludeSchemas: [scratch]
 *   excludeTables: [public.big_log] # not copied at all (neither schema nor data)
 *   pgBin: /usr/lib/postgresql/15/bin   # host pg_dump/pg_dumpall; default: run them in a container of the
 *                                       # image of the template's major (no host packages needed)
 *   analyze: true
 * </pre>
 */
public record RefreshOptions(int workers, boolean roles, boolean stripManagedOptions, LargeObjects largeObjects,
                             List<String> schemas, List<String> excludeSchemas, List<String> excludeTables,
                             String pgBin, boolean analyze) {

    public enum LargeObjects { REFUSE, SKIP, COPY }

    /** No host tools: pg_dump and pg_dumpall run from the image of the template's major. */
    public static final String DEFAULT_PG_BIN = null;
    private static final Set<String> KEYS = Set.of("schedule", "workers", "roles", "stripManagedOptions", "largeObjects",
            "schemas", "excludeSchemas", "excludeTables", "pgBin", "analyze");

    public static RefreshOptions defaults() {
        return new RefreshOptions(2, true, false, LargeObjects.REFUSE, List.of(), List.of(), List.of(), DEFAULT_PG_BIN, true);
    }

    public static RefreshOptions parse(JsonNode n, String template) {
        String where = "templates." + template + ".refresh";
        if (n == null || n.isNull() || n.isMissingNode()) {
            return defaults();
        }
        if (!n.isObject()) {
            throw new MaskingConfigException(where + ": expected a map");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KEYS.contains(f)) {
                throw new MaskingConfigException(where + ": unknown key '" + f + "' (allowed: " + String.join(", ", KEYS) + ")");
            }
        }
        int workers = n.has("workers") ? n.get("workers").asInt(-1) : 2;
        if (workers < 1 || workers > 64) {
            throw new MaskingConfigException(where + ".workers: between 1 and 64");
        }
        LargeObjects lo = LargeObjects.REFUSE;
        if (n.hasNonNull("largeObjects")) {
            try {
                lo = LargeObjects.valueOf(n.get("largeObjects").asText().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new MaskingConfigException(where + ".largeObjects: one of refuse, skip, copy");
            }
        }
        return new RefreshOptions(workers, bool(n, "roles", true), bool(n, "stripManagedOptions", false), lo,
                list(n, "schemas", where), list(n, "excludeSchemas", where), list(n, "excludeTables", where),
                n.hasNonNull("pgBin") ? n.get("pgBin").asText() : DEFAULT_PG_BIN, bool(n, "analyze", true));
    }

    private static boolean bool(JsonNode n, String f, boolean dflt) {
        return n.hasNonNull(f) ? n.get(f).asBoolean(dflt) : dflt;
    }

    private static List<String> list(JsonNode n, String f, String where) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new MaskingConfigException(where + "." + f + ": expected a list");
        }
        List<String> out = new ArrayList<>();
        v.forEach(x -> out.add(x.asText()));
        return List.copyOf(out);
    }

    public RefreshOptions withWorkers(int w) {
        return new RefreshOptions(w, roles, stripManagedOptions, largeObjects, schemas, excludeSchemas, excludeTables, pgBin, analyze);
    }

    public RefreshOptions withLargeObjects(LargeObjects l) {
        return new RefreshOptions(workers, roles, stripManagedOptions, l, schemas, excludeSchemas, excludeTables, pgBin, analyze);
    }

    /** The tool's path: under {@code pgBin} when set, else its name (on the image's PATH). */
    public String tool(String name) {
        return pgBin == null ? name : pgBin + "/" + name;
    }

    /** True when pg_dump and pg_dumpall are the host's ({@code pgBin} set) rather than the image's. */
    public boolean hostTools() {
        return pgBin != null;
    }
}
