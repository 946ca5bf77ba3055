package dev.dolly.agent.refresh;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The guard: the source must be the cluster the template pins ({@code system_identifier} from
 * {@code pg_control_system()}), run a supported major version, and the session must really be
 * read-only. Runs before anything is copied; a refusal leaves nothing behind.
 */
public final class SourceGuard {

    /** What the guard learned about the source. */
    public record SourceFacts(String systemIdentifier, int versionNum, String version, String encoding, boolean standby) {
        public int major() {
            return versionNum / 10000;
        }
    }

    public static final int MIN_MAJOR = dev.dolly.agent.config.AgentConfig.MIN_MAJOR;
    public static final int MAX_MAJOR = dev.dolly.agent.config.AgentConfig.MAX_MAJOR;

    private SourceGuard() {}

    /**
     * @param targetMajor the template's PostgreSQL major ({@code postgres:}); null: the source's
     */
    public static SourceFacts check(Connection c, SourceConfig cfg, String template, Integer targetMajor) throws SQLException {
        int versionNum;
        String version;
        String encoding;
        boolean standby;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version'), "
                     + "pg_catalog.pg_encoding_to_char(d.encoding), pg_catalog.pg_is_in_recovery(), "
                     + "current_setting('transaction_read_only') "
                     + "FROM pg_catalog.pg_database d WHERE d.datname = current_database()")) {
            rs.next();
            versionNum = rs.getInt(1);
            version = rs.getString(2);
            encoding = rs.getString(3);
            standby = rs.getBoolean(4);
            if (!"on".equals(rs.getString(5))) {
                throw RefreshException.refused("the source session is not read-only; refusing to go on");
            }
        }
        String sysid;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_catalog.pg_control_system()")) {
            rs.next();
            sysid = rs.getString(1);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw RefreshException.refused("the source role " + cfg.user() + " may not read pg_control_system(), so the "
                        + "source cannot be verified; run as a superuser on the source: GRANT EXECUTE ON FUNCTION "
                        + "pg_control_system() TO " + SqlScript.ident(cfg.user()));
            }
            throw e;
        }
        if (cfg.systemIdentifier() == null) {
            throw RefreshException.refused("templates." + template + ".source.systemIdentifier is not set: pin the source "
                    + "before its first refresh by adding  systemIdentifier: \"" + sysid + "\"  (the value at "
                    + cfg.describe() + "; every refresh checks it, so a wrong host is never copied)");
        }
        if (!cfg.systemIdentifier().equals(sysid)) {
            throw RefreshException.refused("the source at " + cfg.describe() + " has system_identifier " + sysid
                    + " but template " + template + " pins " + cfg.systemIdentifier()
                    + ": refusing to copy from a different cluster (if the source was rebuilt on a new cluster, "
                    + "update templates." + template + ".source.systemIdentifier)");
        }
        checkMajor(versionNum / 10000, version, template, targetMajor);
        return new SourceFacts(sysid, versionNum, version, encoding, standby);
    }

    /**
     * Sources from PostgreSQL {@link #MIN_MAJOR} to {@link #MAX_MAJOR}, never newer than the
     * template's major (a dump of a newer server does not restore into an older one).
     */
    static void checkMajor(int major, String version, String template, Integer targetMajor) {
        if (major < MIN_MAJOR || major > MAX_MAJOR) {
            throw RefreshException.refused("the source runs PostgreSQL " + version + "; Dolly refreshes sources from PostgreSQL "
                    + MIN_MAJOR + " to " + MAX_MAJOR);
        }
        if (targetMajor != null && major > targetMajor) {
            throw RefreshException.refused("the source runs PostgreSQL " + major + " (" + version + ") but template " + template
                    + " builds PostgreSQL " + targetMajor + " clones, and a newer major cannot be restored into an older one; set "
                    + "`postgres: " + major + "` under templates." + template + " (or remove its postgres: line to follow the source)");
        }
    }
}
