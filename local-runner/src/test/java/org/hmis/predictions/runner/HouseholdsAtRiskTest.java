package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@code demo} and {@code run} print of the households most at risk, read from the view on real PostgreSQL. */
class HouseholdsAtRiskTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final SqlIdentifier GUESTS = SqlIdentifier.of("guests");
    private static final SqlIdentifier GUEST_VIEW = SqlIdentifier.of("current_guest_risk");
    private static final RunId RUN = RunId.parse("20261123T020000Z-0001");

    /** Reasons as predict writes them: log-odds, expected value, raises and lowers strongest first, the rest. */
    private static final String EXPLAINED = "{\"log_odds\":1.2,\"expected\":0.3,\"raises\":["
            + "{\"fact\":\"income\",\"features\":[\"adults_earned_income\"],\"contribution\":0.6,"
            + "\"text\":\"no adult in the household has earned income\"},"
            + "{\"fact\":\"chronic\",\"features\":[\"chronically_homeless\"],\"contribution\":0.4,"
            + "\"text\":\"someone in the household is chronically homeless\"}],"
            + "\"lowers\":[{\"fact\":\"insurance\",\"features\":[\"anyone_insured\"],\"contribution\":-0.2,"
            + "\"text\":\"someone in the household has health insurance\"}],\"rest\":0.1}";
    /** A household whose reasons are all below the floor: none either way. */
    private static final String NO_STRONG_REASON =
            "{\"log_odds\":-0.5,\"expected\":-0.5,\"raises\":[],\"lowers\":[],\"rest\":0.0}";

    @BeforeAll
    static void predictAndRank() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE guests (personal_id integer, enroll_date date, exit_date date, case_id integer,"
                    + " relationship_to_hoh text)");
            st.execute("INSERT INTO guests VALUES (11, '2026-11-01', NULL, 500, 'Child'), (12, '2026-11-01', NULL,"
                    + " 500, 'Self'), (13, '2026-11-01', NULL, 500, 'Child'), (20, '2026-11-01', NULL, NULL, 'Self'),"
                    + " (30, '2026-11-01', NULL, 700, 'Self')");
        }
        PipelineSchema.migrate(PG.dataSource(), GUESTS);
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO prediction_runs (run_id, step, part, started_at, status)" + " VALUES ('" + RUN
                    + "', 'wrangle', '', now(), 'started')");
            for (Map.Entry<Integer, String> guest : Map.of(
                            11, "0.7685", 12, "0.7685", 13, "0.7685", 20, "0.377", 30, "0.25")
                    .entrySet()) {
                int id = guest.getKey();
                String reasons = id < 20 ? "'" + EXPLAINED + "'" : id == 20 ? "'" + NO_STRONG_REASON + "'" : "NULL";
                st.execute("INSERT INTO guest_predictions (personal_id, enroll_date, run_id, run_started_at, model,"
                        + " predicted_exit_destination, p_es, p_other, p_perm, p_temp, p_unknown, risk, reasons)"
                        + " VALUES (" + id + ", '2026-11-01', '" + RUN + "', now(), 'm', 'es', 0, 0, 1 - "
                        + guest.getValue() + ", 0, 0, " + guest.getValue() + ", " + reasons + ")");
            }
        }
        try (Connection c = PG.connect()) {
            assertEquals(
                    RunLedger.COMPLETE,
                    new RunLedger(GUESTS, SqlIdentifier.of("guest_predictions")).wrangled(c, RUN, 0, 0, Map.of()));
        }
    }

    private static List<String> printed(int households) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = PG.connect()) {
            HouseholdsAtRisk.print(new PrintStream(out, true, StandardCharsets.UTF_8), c, GUEST_VIEW, households);
        }
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void eachHouseholdOnceWithItsMembersPercentileAndReasonsSayingWhichWayTheyMoveTheRisk() throws SQLException {
        assertEquals(
                List.of(
                        "The 3 households most at risk of not exiting to permanent housing (percentile among"
                                + " households, 100 = most at risk):",
                        "  household  members   risk  percentile  guests",
                        "        500        3  0.769      100.00  12, 11, 13",
                        "             raises the risk: no adult in the household has earned income; someone in the"
                                + " household is chronically homeless",
                        "             lowers the risk: someone in the household has health insurance",
                        "          -        1  0.377       66.67  20",
                        "             raises the risk: - (no reason strong enough)",
                        "             lowers the risk: - (no reason strong enough)",
                        "        700        1  0.250       33.33  30",
                        "             (not explained: no risk model, or EXPLAIN=false)"),
                printed(3));
    }

    @Test
    void withoutTheViewBesideTheGuestsViewItSaysWhichViewSetupMakes() throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = PG.connect()) {
            HouseholdsAtRisk.print(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    c,
                    SqlIdentifier.of("elsewhere.current_guest_risk"),
                    5);
        }
        assertTrue(
                out.toString(StandardCharsets.UTF_8).startsWith("No view elsewhere.current_household_risk yet"),
                out.toString(StandardCharsets.UTF_8));
    }
}
