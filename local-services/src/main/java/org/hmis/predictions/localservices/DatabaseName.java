package org.hmis.predictions.localservices;

import java.util.regex.Pattern;

/** Database names the services create and drop: plain lower-case identifiers, quoted for SQL. */
final class DatabaseName {
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private DatabaseName() {}

    static String quoted(String name) {
        if (name == null || !PLAIN_IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("database name '" + name
                    + "' must be 1 to 63 lower-case letters, digits or underscores, not starting with a digit");
        }
        return '"' + name + '"';
    }
}
