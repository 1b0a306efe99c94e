package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.CurrentHouseholdRiskView;

/**
 * The households most at risk, as a case worker would ask the view of the current households by risk
 * ({@link CurrentHouseholdRiskView}, beside {@code CURRENT_GUEST_RISK_VIEW}): each household once, its members, its
 * risk of not exiting to permanent housing and percentile among households, and its reasons, each saying which way
 * it moves that risk. docs/operations.md ("Which households are most at risk") gives the same query.
 */
final class HouseholdsAtRisk {
    /** The query, the view's name in place of {@code current_household_risk}. */
    static final String QUERY = """
            SELECT case_id, members, personal_ids, round(risk::numeric, 3) AS risk, risk_percentile,
                   (SELECT string_agg(r ->> 'text', '; ' ORDER BY n)
                    FROM jsonb_array_elements(reasons -> 'raises') WITH ORDINALITY AS raised(r, n)) AS raises,
                   (SELECT string_agg(r ->> 'text', '; ' ORDER BY n)
                    FROM jsonb_array_elements(reasons -> 'lowers') WITH ORDINALITY AS lowered(r, n)) AS lowers,
                   reasons IS NOT NULL AS explained
            FROM current_household_risk
            ORDER BY risk DESC, personal_ids
            LIMIT ?""";

    private static final String INDENT = " ".repeat(13);

    private HouseholdsAtRisk() {}

    /** Prints the {@code households} most at risk from the household view beside {@code currentGuestRiskView}. */
    static void print(PrintStream out, Connection c, SqlIdentifier currentGuestRiskView, int households)
            throws SQLException {
        SqlIdentifier view = CurrentHouseholdRiskView.beside(currentGuestRiskView);
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
        out.printf(
                "The %d households most at risk of not exiting to permanent housing (percentile among households,"
                        + " 100 = most at risk):%n",
                households);
        out.println("  household  members   risk  percentile  guests");
        try (PreparedStatement ps = c.prepareStatement(QUERY.replace("current_household_risk", view.quoted()))) {
            ps.setInt(1, households);
            try (ResultSet rs = ps.executeQuery()) {
                int printed = 0;
                while (rs.next()) {
                    out.printf(
                            "  %9s  %7d  %5.3f  %10s  %s%n",
                            rs.getString("case_id") == null ? "-" : rs.getString("case_id"),
                            rs.getInt("members"),
                            rs.getDouble("risk"),
                            rs.getString("risk_percentile") == null ? "-" : rs.getString("risk_percentile"),
                            guests(rs.getArray("personal_ids")));
                    if (rs.getBoolean("explained")) {
                        out.printf("%sraises the risk: %s%n", INDENT, orNone(rs.getString("raises")));
                        out.printf("%slowers the risk: %s%n", INDENT, orNone(rs.getString("lowers")));
                    } else {
                        out.printf("%s(not explained: no risk model, or EXPLAIN=false)%n", INDENT);
                    }
                    printed++;
                }
                if (printed == 0) {
                    out.println("  (no current guest has a prediction yet)");
                }
            }
        }
    }

    private static String guests(Array personalIds) throws SQLException {
        return Arrays.stream((Object[]) personalIds.getArray())
                .map(String::valueOf)
                .collect(Collectors.joining(", "));
    }

    /** A household whose reasons are all below the floor of strength has none that way. */
    private static String orNone(String reasons) {
        return reasons == null ? "- (no reason strong enough)" : reasons;
    }
}
