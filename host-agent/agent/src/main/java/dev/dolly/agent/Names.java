package dev.dolly.agent;

import dev.dolly.agent.api.ErrorCode;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict patterns for every name that reaches zfs, docker or SQL. Each check returns the name
 * unchanged or throws {@link AgentException} with {@link ErrorCode#INVALID_NAME}; argv and SQL
 * are built only from names that passed here.
 */
public final class Names {
    /** clone ids, template names, build ids, job ids: dataset components, container names, labels. */
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    /** savepoint names: snapshot suffix {@code @sp-<name>}. */
    private static final Pattern SAVEPOINT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
    /** database and role names: plain lower-case SQL identifiers (always quoted anyway). */
    private static final Pattern SQL_IDENT = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** an owner: a principal id such as {@code slack:U024BE7LH} or {@code ci:deploy-bot}. */
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}");
    /** a dataset root such as {@code dolly} or {@code tank/dolly/it-3fa2}. */
    private static final Pattern DATASET_ROOT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}(/[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}){0,7}");
    /** a ZFS user property: {@code dolly:<name>}. */
    private static final Pattern USER_PROPERTY = Pattern.compile("dolly:[a-z][a-z0-9_.-]{0,40}");
    /** a host's name ({@code agent.name}): signed into requests, sent as a header. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Set<String> RESERVED_ROLES = Set.of("dolly_agent", "postgres", "public", "none", "current_user", "session_user", "current_role", "user");

    private static final String ID_RULE = "1–63 lower-case letters, digits, '-' or '_', starting with a letter";

    private Names() {}

    public static String cloneId(String s) {
        return check(s, ID, "clone id", ID_RULE);
    }

    public static String host(String s) {
        return check(s, HOST, "host name", "1–63 letters, digits, '.', '-' or '_', starting with a letter or digit");
    }

    public static String template(String s) {
        return check(s, ID, "template name", ID_RULE);
    }

    public static String buildId(String s) {
        return check(s, ID, "snapshot id", ID_RULE);
    }

    public static String jobId(String s) {
        return check(s, ID, "job id", ID_RULE);
    }

    public static String savepoint(String s) {
        return check(s, SAVEPOINT, "savepoint name", "1–50 lower-case letters, digits, '-' or '_'");
    }

    public static String database(String s) {
        return check(s, SQL_IDENT, "database name", "1–63 lower-case letters, digits or '_', not starting with a digit");
    }

    public static String owner(String s) {
        return check(s, OWNER, "owner", "1–128 letters, digits or any of _ . @ : + -, starting with a letter or digit");
    }

    public static String datasetRoot(String s) {
        return check(s, DATASET_ROOT, "dataset root", "a ZFS dataset path such as 'dolly' or 'tank/dolly'");
    }

    public static String userProperty(String s) {
        return check(s, USER_PROPERTY, "ZFS user property", "'dolly:' followed by lower-case letters, digits, '.', '-' or '_'");
    }

    /** A role name that is valid, not reserved and not in the {@code pg_} namespace. */
    public static String role(String s) {
        check(s, SQL_IDENT, "database user", "1–63 lower-case letters, digits or '_', not starting with a digit");
        if (s.startsWith("pg_") || RESERVED_ROLES.contains(s)) {
            throw new AgentException(ErrorCode.INVALID_NAME, "database user '" + s + "' is reserved; choose another");
        }
        return s;
    }

    /**
     * The database user a clone's owner logs in as: the owner's principal id folded to a plain
     * SQL identifier ({@code slack:U024BE7LH} becomes {@code slack_u024be7lh}).
     */
    public static String roleForOwner(String owner) {
        owner(owner);
        String r = owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (!Character.isLetter(r.charAt(0)) && r.charAt(0) != '_') {
            r = "u_" + r;
        }
        if (r.startsWith("pg_") || RESERVED_ROLES.contains(r)) {
            r = "u_" + r;
        }
        if (r.length() > 63) {
            r = r.substring(0, 63);
        }
        return role(r);
    }

    public static boolean isValidCloneId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    private static String check(String s, Pattern p, String what, String rule) {
        if (s == null || s.isEmpty()) {
            throw new AgentException(ErrorCode.INVALID_NAME, what + " is missing: use " + rule);
        }
        if (!p.matcher(s).matches()) {
            throw new AgentException(ErrorCode.INVALID_NAME, what + " '" + printable(s) + "' is invalid: use " + rule);
        }
        return s;
    }

    /** Echo a rejected name safely: at most 64 characters, control characters replaced. */
    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
