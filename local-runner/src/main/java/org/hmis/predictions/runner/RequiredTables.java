package org.hmis.predictions.runner;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.RunLedger;

/**
 * The tables a command reads, looked for before it starts, so a database without them gets a line that says which
 * command makes them instead of the server's "relation does not exist".
 */
final class RequiredTables {
    private RequiredTables() {}

    /** The pipeline's own tables, which {@code setup} makes: {@code status} and {@code run} need them. */
    static void pipeline(Connection c) throws SQLException {
        if (!exists(c, RunLedger.TABLE)) {
            throw new IllegalStateException("the database `" + c.getCatalog() + "` has no pipeline tables (no "
                    + RunLedger.TABLE + "): run `local-runner setup` first");
        }
    }

    /** The guests table; {@code hint} says how to have one. */
    static void guests(Connection c, SqlIdentifier table, String hint) throws SQLException {
        if (!exists(c, table.quoted())) {
            throw new IllegalStateException(
                    "the database `" + c.getCatalog() + "` has no guests table " + table + ": " + hint);
        }
    }

    /** Whether {@code name} (SQL text, quoted where needed) names a table the search path reaches. */
    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
