package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.hmis.predictions.common.config.SqlIdentifier;

/**
 * The view of the current guests ranked by risk ({@code CURRENT_GUEST_RISK_VIEW}; docs/architecture.md, "Tables"):
 * every guest without an exit date who has a prediction, with the household ({@code case_id}), risk, percentile and
 * reasons, most at risk first. A guest leaves it as soon as their exit date is set.
 *
 * <p>Made again by every {@code setup} rather than once by a migration: a view depends on the intake app's table, and
 * an app that drops and recreates that table (pandas' {@code to_sql} with {@code if_exists='replace'} does) has to
 * drop the view with it ({@code CASCADE}); the next {@code setup} brings it back. The join uses the key date rule
 * for the guests table's {@code enroll_date} type ({@link GuestKeyColumns#keyDate}), whatever the reader's time zone.
 */
public final class CurrentGuestRiskView {
    private CurrentGuestRiskView() {}

    /** Replaces the view in the caller's transaction. */
    static void create(
            Connection c,
            SqlIdentifier view,
            SqlIdentifier guestsTable,
            GuestKeyColumns keys,
            SqlIdentifier guestPredictionsTable)
            throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP VIEW IF EXISTS " + view.quoted());
            st.execute("CREATE VIEW " + view.quoted() + " AS SELECT g.personal_id, p.enroll_date,"
                    + " g.case_id AS household, p.risk, p.risk_percentile, p.predicted_exit_destination, p.reasons,"
                    + " p.model, p.run_id, p.updated_at FROM " + guestPredictionsTable.quoted() + " p JOIN "
                    + guestsTable.quoted() + " g ON g.personal_id = p.personal_id AND " + keys.keyDate("g")
                    + " = p.enroll_date WHERE g.exit_date IS NULL ORDER BY p.risk DESC, g.personal_id, p.enroll_date");
        }
    }
}
