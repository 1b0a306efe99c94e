package org.hmis.predictions.common.config;

import java.util.regex.Pattern;

/**
 * A table name from configuration, validated and rendered quoted, so it can never carry SQL.
 * Accepts {@code name} or {@code schema.name}, each part a plain identifier of at most 63 characters.
 */
public final class SqlIdentifier {
    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final String schema;
    private final String name;

    private SqlIdentifier(String schema, String name) {
        this.schema = schema;
        this.name = name;
    }

    public static SqlIdentifier of(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException("an identifier must not be empty");
        }
        String[] parts = raw.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("'" + raw + "' has more than one '.'; use name or schema.name");
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException(
                        "'" + raw
                                + "' is not a plain identifier (letters, digits and '_', not starting with a digit, at most 63 characters per part)");
            }
        }
        return parts.length == 2 ? new SqlIdentifier(parts[0], parts[1]) : new SqlIdentifier(null, parts[0]);
    }

    /** The unquoted table name, as the catalog stores it. */
    public String name() {
        return name;
    }

    /** The schema, or null when the search path decides. */
    public String schema() {
        return schema;
    }

    /** The quoted form to put in SQL text. */
    public String quoted() {
        return schema == null ? quote(name) : quote(schema) + "." + quote(name);
    }

    private static String quote(String part) {
        return '"' + part + '"';
    }

    @Override
    public String toString() {
        return schema == null ? name : schema + "." + name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlIdentifier other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
