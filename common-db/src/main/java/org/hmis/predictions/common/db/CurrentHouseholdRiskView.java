package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.hmis.predictions.common.config.SqlIdentifier;

/**
 * The view of the current households ranked by risk ({@value #NAME}, in the schema of {@code CURRENT_GUEST_RISK_VIEW};
 * docs/architecture.md, "Tables"): one row per household ({@link Households}) of the guests without an exit date who
 * have a prediction, with its {@code case_id}, how many members and which ({@code personal_ids}, head first), and the
 * head's row's class, risk, percentile among households, reasons, model and run; most at risk first.
 *
 * <p>Made again by every {@code setup}, as {@link CurrentGuestRiskView} is and for the same reasons: it depends on the
 * intake app's table, and its join follows the key date rule for that table's {@code enroll_date} type.
 */
public final class CurrentHouseholdRiskView {
    /** The view's name. */
    public static final String NAME = "current_household_risk";

    private CurrentHouseholdRiskView() {}

    /** The household view beside the view of the current guests by risk: same schema, its own name. */
    public static SqlIdentifier beside(SqlIdentifier currentGuestRiskView) {
        return SqlIdentifier.of(
                currentGuestRiskView.schema() == null ? NAME : currentGuestRiskView.schema() + "." + NAME);
    }

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
            st.execute("CREATE VIEW " + view.quoted() + " AS SELECT case_id, members, personal_ids,"
                    + " predicted_exit_destination, risk, risk_percentile, reasons, model, run_id FROM (SELECT"
                    + " g.case_id, count(*) OVER household AS members, array_agg(p.personal_id) OVER (head_first"
                    + " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS personal_ids,"
                    + " row_number() OVER head_first AS member, p.predicted_exit_destination, p.risk,"
                    + " p.risk_percentile, p.reasons, p.model, p.run_id FROM " + guestPredictionsTable.quoted()
                    + " p JOIN " + guestsTable.quoted() + " g ON g.personal_id = p.personal_id AND "
                    + keys.keyDate("g") + " = p.enroll_date WHERE g.exit_date IS NULL"
                    + " WINDOW household AS (" + Households.partition("g") + "),"
                    + " head_first AS (household " + Households.headFirst("g", "p") + ")) households"
                    + " WHERE member = 1 ORDER BY risk DESC, personal_ids");
            st.execute("COMMENT ON VIEW " + view.quoted() + " IS 'One row per current household (members of one"
                    + " case_id without an exit date; a guest without one alone), personal_ids head first. Class,"
                    + " risk, reasons, model and run are the head''s row''s (the head, relationship_to_hoh Self, else"
                    + " the smallest key): a household model gives every member the same; risk_percentile ranks"
                    + " households by that risk, 100 the most at risk.'");
        }
    }
}
