package dev.dolly.agent.masking;

import java.util.Locale;

/**
 * What the masking engine needs to know about a column's type: the family of its base type
 * (domains resolved), whether it is an array of that, and the character limit of
 * {@code varchar(n)}/{@code char(n)} (-1 if none).
 *
 * @param sqlType   {@code format_type(atttypid, atttypmod)}, e.g. {@code character varying(80)}
 * @param family    the family of the base (element) type
 * @param array     whether the column is an array of {@code family}
 * @param maxLength character limit, or -1
 */
public record ColumnType(String sqlType, Family family, boolean array, int maxLength) {

    /** Type families the transformers understand. */
    public enum Family {
        TEXT, CITEXT, JSON, JSONB, INT2, INT4, INT8, NUMERIC, FLOAT, DATE, TIMESTAMP, TIMESTAMPTZ,
        UUID, BYTEA, BOOL, INET, OTHER;

        public boolean textLike() {
            return this == TEXT || this == CITEXT;
        }

        public boolean integer() {
            return this == INT2 || this == INT4 || this == INT8;
        }

        public boolean numeric() {
            return integer() || this == NUMERIC || this == FLOAT;
        }

        public boolean temporal() {
            return this == DATE || this == TIMESTAMP || this == TIMESTAMPTZ;
        }

        public boolean json() {
            return this == JSON || this == JSONB;
        }
    }

    /**
     * Map a base type name (pg_type.typname of the base/element type, domains resolved) to a
     * family.
     */
    public static Family familyOf(String baseTypeName) {
        return switch (baseTypeName.toLowerCase(Locale.ROOT)) {
            case "text", "varchar", "bpchar", "name", "char" -> Family.TEXT;
            case "citext" -> Family.CITEXT;
            case "json" -> Family.JSON;
            case "jsonb" -> Family.JSONB;
            case "int2" -> Family.INT2;
            case "int4" -> Family.INT4;
            case "int8" -> Family.INT8;
            case "numeric" -> Family.NUMERIC;
            case "float4", "float8" -> Family.FLOAT;
            case "date" -> Family.DATE;
            case "timestamp" -> Family.TIMESTAMP;
            case "timestamptz" -> Family.TIMESTAMPTZ;
            case "uuid" -> Family.UUID;
            case "bytea" -> Family.BYTEA;
            case "bool" -> Family.BOOL;
            case "inet", "cidr" -> Family.INET;
            default -> Family.OTHER;
        };
    }

    /** Convenience for tests: a scalar of the given family. */
    public static ColumnType of(Family family) {
        return new ColumnType(family.name().toLowerCase(Locale.ROOT), family, false, -1);
    }

    public ColumnType element() {
        return new ColumnType(sqlType.endsWith("[]") ? sqlType.substring(0, sqlType.length() - 2) : sqlType,
                family, false, maxLength);
    }

    public ColumnType asArray() {
        return new ColumnType(sqlType + "[]", family, true, maxLength);
    }
}
