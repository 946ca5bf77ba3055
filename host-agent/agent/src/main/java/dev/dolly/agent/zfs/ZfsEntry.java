package dev.dolly.agent.zfs;

import java.util.Map;

/**
 * One dataset or snapshot as {@code zfs get} reported it. {@code properties} holds native
 * properties with their parsable value and user properties ({@code dolly:…}) only where they
 * are set locally (an inherited user property is not this entry's own).
 */
public record ZfsEntry(String name, Map<String, String> properties) {

    public boolean isSnapshot() {
        return name.indexOf('@') >= 0;
    }

    /** {@code pool/a/b} of {@code pool/a/b@snap}; the name itself for a dataset. */
    public String dataset() {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    /** {@code snap} of {@code pool/a/b@snap}; null for a dataset. */
    public String snapshotName() {
        int at = name.indexOf('@');
        return at < 0 ? null : name.substring(at + 1);
    }

    /** The last path component of the dataset: {@code b} of {@code pool/a/b}. */
    public String leaf() {
        String d = dataset();
        return d.substring(d.lastIndexOf('/') + 1);
    }

    public String get(String property) {
        return properties.get(property);
    }

    public long getLong(String property, long otherwise) {
        String v = properties.get(property);
        if (v == null || v.equals("-")) {
            return otherwise;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
