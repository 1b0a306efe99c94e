package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;

/**
 * The guests table's key as the catalog has it, read where the key enters (wrangle) and where it is matched (update).
 * {@code personal_id} may be any integer type; {@code enroll_date} a {@code date}, {@code timestamp} or
 * {@code timestamptz} (pandas' {@code to_sql} writes dates as {@code timestamp}). Anything else stops the step,
 * naming column and type.
 *
 * <p>The key date rule, one for both steps: a guest's key date is {@code enroll_date::date} under the session time
 * zone UTC ({@link TransactionSettings} fixes it): the date itself, a {@code timestamp}'s date part, a
 * {@code timestamptz}'s date in UTC. Update matches a key date with a range, so an index on the column is used.
 *
 * @param table             the table's schema-qualified name as the catalog spells it
 * @param personalIdType    e.g. {@code integer}
 * @param enrollDateType    {@code date}, {@code timestamp without time zone} or {@code timestamp with time zone}
 * @param hasPredictionColumn whether {@code predicted_exit_destination} exists
 */
public record GuestKeyColumns(String table, String personalIdType, String enrollDateType, boolean hasPredictionColumn) {
    public static final String PERSONAL_ID = "personal_id";
    public static final String ENROLL_DATE = "enroll_date";
    private static final String PREDICTION_COLUMN = "predicted_exit_destination";
    private static final List<String> INTEGER_TYPES = List.of("smallint", "integer", "bigint");
    private static final List<String> DATE_TYPES =
            List.of("date", "timestamp without time zone", "timestamp with time zone");
    private static final Map<String, List<String>> ACCEPTED = Map.of(
            PERSONAL_ID, INTEGER_TYPES,
            ENROLL_DATE, DATE_TYPES);

    /** The key's types when the table exists; checked as {@link #read} checks them. */
    public static Optional<GuestKeyColumns> find(Connection connection, SqlIdentifier guestsTable) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, guestsTable.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? Optional.of(read(connection, guestsTable)) : Optional.empty();
            }
        }
    }

    /** Reads the key's types; fails naming the table, a missing key column, or a column of another type. */
    public static GuestKeyColumns read(Connection connection, SqlIdentifier guestsTable) throws SQLException {
        String qualified = null;
        String personalId = null;
        String enrollDate = null;
        boolean prediction = false;
        // A domain counts as its base type: format_type of the base type, not the domain's name.
        try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname || '.' || c.relname, a.attname,"
                + " format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END, NULL)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND a.attname IN (?, ?, ?)"
                + " LEFT JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, PERSONAL_ID);
            ps.setString(2, ENROLL_DATE);
            ps.setString(3, PREDICTION_COLUMN);
            ps.setString(4, guestsTable.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    qualified = rs.getString(1);
                    String column = rs.getString(2);
                    if (PERSONAL_ID.equals(column)) {
                        personalId = rs.getString(3);
                    } else if (ENROLL_DATE.equals(column)) {
                        enrollDate = rs.getString(3);
                    } else if (PREDICTION_COLUMN.equals(column)) {
                        prediction = true;
                    }
                }
            }
        }
        if (qualified == null) {
            throw new IllegalStateException("the guests table " + guestsTable + " does not exist (GUESTS_TABLE)");
        }
        check(qualified, PERSONAL_ID, personalId);
        check(qualified, ENROLL_DATE, enrollDate);
        return new GuestKeyColumns(qualified, personalId, enrollDate, prediction);
    }

    private static void check(String table, String column, String type) {
        if (type == null) {
            throw new IllegalStateException("the guests table " + table + " has no " + column + " column");
        }
        List<String> accepted = ACCEPTED.get(column);
        if (!accepted.contains(type)) {
            throw new IllegalStateException("column " + column + " of " + table + " is " + type + "; the pipeline"
                    + " reads it only as " + String.join(", ", accepted.subList(0, accepted.size() - 1)) + " or "
                    + accepted.get(accepted.size() - 1));
        }
    }

    /**
     * The key date of guest row {@code guest} by the key date rule, whatever the session's time zone: for SQL that
     * runs outside the steps' transactions, such as a view.
     */
    public String keyDate(String guest) {
        String column = guest + "." + ENROLL_DATE;
        return switch (enrollDateType) {
            case "date" -> column;
            case "timestamp with time zone" -> "(" + column + " AT TIME ZONE 'UTC')::date";
            default -> column + "::date";
        };
    }

    /**
     * The condition that guest row {@code guest} has the key of row {@code part} (whose {@code enroll_date} is a
     * {@code date}), by the key date rule; a range on a timestamp column, so its index serves.
     */
    public String keyMatch(String guest, String part) {
        String ids = guest + "." + PERSONAL_ID + " = " + part + "." + PERSONAL_ID;
        if (enrollDateType.equals("date")) {
            return ids + " AND " + guest + "." + ENROLL_DATE + " = " + part + "." + ENROLL_DATE;
        }
        return ids + " AND " + guest + "." + ENROLL_DATE + " >= " + part + "." + ENROLL_DATE + " AND " + guest + "."
                + ENROLL_DATE + " < " + part + "." + ENROLL_DATE + " + 1";
    }
}
