package dev.dolly.agent.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** WAL position and database size, read from the check's own session before and after a statement. */
record ServerFigures(String walLsn, long databaseBytes) {

    static ServerFigures read(Connection c) {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text, pg_database_size(current_database())")) {
            rs.next();
            return new ServerFigures(rs.getString(1), rs.getLong(2));
        } catch (SQLException e) {
            return null;
        }
    }

    /** WAL bytes between two positions (computed here: no round trip). */
    static long walBetween(ServerFigures a, ServerFigures b) {
        return a == null || b == null ? 0 : Math.max(0, lsn(b.walLsn) - lsn(a.walLsn));
    }

    static long sizeBetween(ServerFigures a, ServerFigures b) {
        return a == null || b == null ? 0 : b.databaseBytes - a.databaseBytes;
    }

    static long lsn(String s) {
        int slash = s.indexOf('/');
        return (Long.parseUnsignedLong(s.substring(0, slash), 16) << 32) + Long.parseUnsignedLong(s.substring(slash + 1), 16);
    }
}
