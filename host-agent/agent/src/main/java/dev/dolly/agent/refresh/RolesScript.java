package dev.dolly.agent.refresh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code pg_dumpall --roles-only --no-role-passwords} output into the statements to run on
 * the build server: roles that already exist there (the build's own superuser and the agent's
 * roles) are never created or altered; with {@code stripManagedOptions} the attributes managed
 * services refuse (SUPERUSER, REPLICATION, BYPASSRLS), {@code GRANTED BY} clauses and the
 * services' internal roles (rdsadmin, rds_*, cloudsql*, azure_*, …) are dropped, as pg-flare's
 * {@code --strip-options-for-rds} does. Pure text processing; the dump holds no passwords.
 */
public final class RolesScript {

    private static final Pattern CREATE = Pattern.compile("(?is)^CREATE\\s+ROLE\\s+(\"(?:[^\"]|\"\")+\"|[^\\s;]+)\\s*$");
    private static final Pattern ALTER = Pattern.compile("(?is)^ALTER\\s+ROLE\\s+(\"(?:[^\"]|\"\")+\"|[^\\s;]+)\\s+(.*)$");
    private static final Pattern GRANT = Pattern.compile("(?is)^GRANT\\s+(.+?)\\s+TO\\s+(\"(?:[^\"]|\"\")+\"|[^\\s;]+)(.*)$");
    private static final Pattern COMMENT = Pattern.compile("(?is)^(COMMENT|SECURITY\\s+LABEL).*\\s+ON\\s+ROLE\\s+(\"(?:[^\"]|\"\")+\"|[^\\s;]+).*$");
    private static final Pattern STRIP_ATTRS = Pattern.compile("(?i)\\s+(NO)?(SUPERUSER|REPLICATION|BYPASSRLS)\\b");
    private static final Pattern GRANTED_BY = Pattern.compile("(?i)\\s+GRANTED\\s+BY\\s+(\"(?:[^\"]|\"\")+\"|[^\\s;]+)");
    private static final Pattern MANAGED = Pattern.compile(
            "(?i)^(rdsadmin|rdsrepladmin|rdstopmgr|rds_.*|rdsproxyadmin|cloudsql.*|azure_.*|azuresu|alloydb.*|aiven.*|"
                    + "supabase_admin|supabase_.*_admin|neon_superuser|cloud_admin|crdb_.*)$");

    private RolesScript() {}

    /** Statements to run, in order. {@code existing}: role names already on the build server. */
    public static List<String> filter(String dump, Set<String> existing, boolean strip) {
        List<String> out = new ArrayList<>();
        for (String s : SqlScript.statements(dump)) {
            String first = s.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
            if (first.equals("SET") || first.equals("SELECT")) {
                continue;   // session settings of the dump; our session has its own
            }
            Matcher m;
            if ((m = CREATE.matcher(s)).matches()) {
                String role = unquote(m.group(1));
                if (existing.contains(role) || (strip && MANAGED.matcher(role).matches())) {
                    continue;
                }
                out.add(s);
            } else if ((m = ALTER.matcher(s)).matches()) {
                String role = unquote(m.group(1));
                if (existing.contains(role) || (strip && MANAGED.matcher(role).matches())) {
                    continue;
                }
                String rest = m.group(2);
                if (strip && rest.toUpperCase(Locale.ROOT).startsWith("WITH")) {
                    rest = STRIP_ATTRS.matcher(rest).replaceAll("");
                    if (rest.trim().equalsIgnoreCase("WITH")) {
                        continue;
                    }
                }
                if (rest.toUpperCase(Locale.ROOT).matches("(?s)WITH.*\\bPASSWORD\\b.*")) {
                    // never happens with --no-role-passwords; never let a password verifier through regardless
                    rest = rest.replaceAll("(?i)\\s+PASSWORD\\s+('(?:[^']|'')*'|NULL)", "");
                }
                out.add("ALTER ROLE " + m.group(1) + " " + rest);
            } else if ((m = GRANT.matcher(s)).matches()) {
                String grantee = unquote(m.group(2));
                if (existing.contains(grantee)) {
                    continue;
                }
                if (strip) {
                    for (String granted : m.group(1).split(",")) {
                        if (MANAGED.matcher(unquote(granted.trim())).matches()) {
                            s = null;
                            break;
                        }
                    }
                    if (s == null || MANAGED.matcher(grantee).matches()) {
                        continue;
                    }
                    s = GRANTED_BY.matcher(s).replaceAll("");
                }
                out.add(s);
            } else if ((m = COMMENT.matcher(s)).matches()) {
                if (!existing.contains(unquote(m.group(2)))) {
                    out.add(s);
                }
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** Role names a filtered script creates. */
    public static List<String> created(List<String> statements) {
        List<String> out = new ArrayList<>();
        for (String s : statements) {
            Matcher m = CREATE.matcher(s);
            if (m.matches()) {
                out.add(unquote(m.group(1)));
            }
        }
        return out;
    }

    static String unquote(String s) {
        String t = s.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\"\"", "\"");
        }
        return t.toLowerCase(Locale.ROOT);
    }
}
