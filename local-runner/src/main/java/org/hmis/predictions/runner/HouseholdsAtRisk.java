package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.hmis.predictions.common.config.SqlIdentifier;

/**
 * The households most at risk, as a case worker would ask the view of the current guests by risk
 * ({@code CURRENT_GUEST_RISK_VIEW}): each household by its member most at risk, with what pushes that guest's chance
 * of permanent housing down and up. docs/operations.md ("Which households are most at risk") gives the same query.
 */
final class HouseholdsAtRisk {
    /** The query, the view's name in place of {@code current_guest_risk}. */
    static final String QUERY = """
            SELECT household, personal_id, round(risk::numeric, 3) AS risk, risk_percentile,
                   (SELECT string_agg(r ->> 'text', '; ') FROM jsonb_array_elements(reasons -> 'down') r) AS down,
                   reasons -> 'up' -> 0 ->> 'text' AS up
            FROM (SELECT DISTINCT ON (household) * FROM current_guest_risk
                  ORDER BY household, risk DESC, personal_id) most_at_risk
            ORDER BY most_at_risk.risk DESC, household
            LIMIT ?""";

    private HouseholdsAtRisk() {}

    static void print(PrintStream out, Connection c, SqlIdentifier view, int households) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, view.quoted());
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    out.printf(
                            "No view %s yet: run setup again now that the guests table exists, to rank households.%n",
                            view);
                    return;
                }
            }
        }
        out.printf("The %d households most at risk (risk of not exiting to permanent housing):%n", households);
        out.println("  household  guest       risk  percentile  pushes it up / pushes it down");
        try (PreparedStatement ps = c.prepareStatement(QUERY.replace("current_guest_risk", view.quoted()))) {
            ps.setInt(1, households);
            try (ResultSet rs = ps.executeQuery()) {
                int printed = 0;
                while (rs.next()) {
                    out.printf(
                            "  %9s  %-8d  %5.3f  %10s  up: %s%n%47s down: %s%n",
                            rs.getString(1),
                            rs.getInt(2),
                            rs.getDouble(3),
                            rs.getString(4) == null ? "-" : rs.getString(4),
                            rs.getString(6) == null ? "-" : rs.getString(6),
                            "",
                            rs.getString(5) == null ? "- (not explained: EXPLAIN=false)" : rs.getString(5));
                    printed++;
                }
                if (printed == 0) {
                    out.println("  (no current guest has a prediction yet)");
                }
            }
        }
    }
}
