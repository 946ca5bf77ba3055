package dev.dolly.agent.masking;

/**
 * A column of a source table as the masking planner and the PII gate see it.
 *
 * @param table     {@code schema.table}
 * @param column    column name as in the catalog
 * @param type      its type
 * @param unique    under a single-column unique index or primary key
 * @param notNull   declared NOT NULL
 * @param generated a generated column (recomputed on the target, never copied)
 */
public record SourceColumn(String table, String column, ColumnType type, boolean unique, boolean notNull,
                           boolean generated) {

    public String qualified() {
        return table + "." + column;
    }
}
