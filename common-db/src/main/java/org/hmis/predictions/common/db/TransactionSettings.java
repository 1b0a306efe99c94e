package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.hmis.predictions.lambda.Deadline;

/**
 * The settings every statement of a step runs under, set for the current transaction only (so a pooled connection
 * carries nothing into the next one) in one round trip: {@code statement_timeout} and {@code lock_timeout} from the
 * invocation's {@link Deadline}, and {@code TimeZone} fixed to UTC, so a {@code timestamptz} key reads as the same
 * date in wrangle and update whatever the server's or the role's default zone (see {@link GuestKeyColumns}).
 * Called again before each long statement, so each gets the time actually left.
 */
public final class TransactionSettings {
    /** SQLSTATE of a statement cancelled by {@code statement_timeout} (query_canceled). */
    public static final String QUERY_CANCELED = "57014";
    /** SQLSTATE of a lock not granted within {@code lock_timeout} (lock_not_available). */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    private TransactionSettings() {}

    /** Applies the settings to the transaction open on {@code connection} (auto-commit must be off). */
    public static void apply(Connection connection, Deadline deadline) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT set_config('statement_timeout', ?, true),"
                + " set_config('lock_timeout', ?, true), set_config('TimeZone', 'UTC', true)")) {
            ps.setString(1, deadline.statementTimeoutMillis() + "ms");
            ps.setString(2, deadline.lockTimeoutMillis() + "ms");
            ps.executeQuery().close();
        }
    }

    /** Whether {@code e} is the server stopping a statement for {@code statement_timeout} or {@code lock_timeout}. */
    public static boolean timedOut(SQLException e) {
        return QUERY_CANCELED.equals(e.getSQLState()) || LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }
}
