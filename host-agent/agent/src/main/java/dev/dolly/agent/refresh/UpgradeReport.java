package dev.dolly.agent.refresh;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a major-upgrade rehearsal (a template whose {@code postgres:} is newer than its source's
 * major) found: the two majors, each extension whose version changes or that the target image
 * lacks, every object that failed to restore (SQL state, statement, whether allowFailures named
 * it) and how long each phase took.
 */
public record UpgradeReport(int sourceMajor, int targetMajor, List<ExtensionChange> extensions, List<RestoreFailures.Failure> failures,
                            Map<String, Double> phaseSeconds) {

    /** An extension whose version differs on the target ({@code targetVersion} null: the target image lacks it). */
    public record ExtensionChange(String name, String sourceVersion, String targetVersion) {
        public boolean missing() {
            return targetVersion == null;
        }
    }

    /** Extensions of the source whose default version on the target differs, or that the target does not provide. */
    static List<ExtensionChange> extensionChanges(Connection target, Map<String, String> sourceVersions) throws SQLException {
        Map<String, String> available = new HashMap<>();
        try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT name, default_version FROM pg_catalog.pg_available_extensions")) {
            while (rs.next()) {
                available.put(rs.getString(1), rs.getString(2));
            }
        }
        List<ExtensionChange> out = new ArrayList<>();
        sourceVersions.forEach((name, version) -> {
            String t = available.get(name);
            if (t == null || !t.equals(version)) {
                out.add(new ExtensionChange(name, version, t));
            }
        });
        return out;
    }

    /** One line for lists and notices: {@code 15 → 17; extensions: citext 1.6 → 1.6; 1 object failed (allowed): public.v}. */
    public String summary() {
        StringBuilder b = new StringBuilder(sourceMajor + " → " + targetMajor);
        if (!extensions.isEmpty()) {
            b.append("; extensions: ").append(String.join(", ", extensions.stream()
                    .map(e -> e.name() + " " + e.sourceVersion() + " → " + (e.missing() ? "missing" : e.targetVersion())).toList()));
        }
        b.append("; ").append(failures.isEmpty() ? "every object restored"
                : failures.size() + " object" + (failures.size() == 1 ? "" : "s") + " failed (allowed): "
                + String.join(", ", failures.stream().map(RestoreFailures.Failure::object).toList()));
        return b.toString();
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sourceMajor", sourceMajor);
        m.put("targetMajor", targetMajor);
        List<Map<String, Object>> ext = new ArrayList<>();
        for (ExtensionChange e : extensions) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", e.name());
            x.put("sourceVersion", e.sourceVersion());
            x.put("targetVersion", e.targetVersion());
            x.put("missing", e.missing());
            ext.add(x);
        }
        m.put("extensions", ext);
        m.put("failures", failures.stream().map(RestoreFailures.Failure::asMap).toList());
        m.put("phaseSeconds", phaseSeconds);
        m.put("summary", summary());
        return m;
    }
}
