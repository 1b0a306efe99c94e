package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The view of the current households and the percentiles among households, on real PostgreSQL. */
class CurrentHouseholdRiskTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final SqlIdentifier GUESTS = SqlIdentifier.of("guests");
    private static final SqlIdentifier PREDICTIONS = SqlIdentifier.of("guest_predictions");
    private static final RunId RUN = RunId.parse("20261123T020000Z-0001");

    /** A guest row: key, household, relationship to the head, whether they left, and their prediction's risk. */
    private record Guest(int personalId, Integer caseId, String relationship, boolean exited, double risk) {}

    private static Guest current(int personalId, Integer caseId, String relationship, double risk) {
        return new Guest(personalId, caseId, relationship, false, risk);
    }

    /** Reasons in the shape predict writes (docs/architecture.md, "Tables"), one raise named after the guest. */
    private static String reasons(int personalId) {
        return "{\"log_odds\":0.5,\"expected\":0.1,\"raises\":[{\"fact\":\"income\",\"features\":"
                + "[\"adults_earned_income\"],\"contribution\":0.4,\"text\":\"guest " + personalId
                + "'s reason\"}],\"lowers\":[],\"rest\":0.0}";
    }

    /** A schema of its own: the guests table, the pipeline's tables and views, the run started, the guests predicted. */
    private static DataSource predicted(String schema, List<Guest> guests) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
            st.execute("CREATE TABLE " + schema + ".guests (personal_id integer, enroll_date date, exit_date date,"
                    + " case_id integer, relationship_to_hoh text)");
        }
        DataSource source = PG.dataSource(schema);
        PipelineSchema.migrate(source, GUESTS);
        try (Connection c = source.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO prediction_runs (run_id, step, part, started_at, status)" + " VALUES ('" + RUN
                        + "', 'wrangle', '', now(), 'started')");
            }
            try (PreparedStatement guest =
                            c.prepareStatement("INSERT INTO guests VALUES (?, DATE '2026-11-01', ?, ?, ?)");
                    PreparedStatement prediction = c.prepareStatement("INSERT INTO guest_predictions (personal_id,"
                            + " enroll_date, run_id, run_started_at, model, predicted_exit_destination, p_es, p_other,"
                            + " p_perm, p_temp, p_unknown, risk, reasons) VALUES (?, DATE '2026-11-01', ?, now(),"
                            + " 'exit-destination', ?, 0, 0, ?, 0, 0, ?, ?::jsonb)")) {
                for (Guest g : guests) {
                    guest.setInt(1, g.personalId());
                    guest.setObject(2, g.exited() ? java.sql.Date.valueOf("2026-11-22") : null, java.sql.Types.DATE);
                    guest.setObject(3, g.caseId(), java.sql.Types.INTEGER);
                    guest.setString(4, g.relationship());
                    guest.executeUpdate();
                    prediction.setInt(1, g.personalId());
                    prediction.setString(2, RUN.value());
                    prediction.setString(3, g.risk() > 0.5 ? "es" : "perm");
                    prediction.setDouble(4, 1 - g.risk());
                    prediction.setDouble(5, g.risk());
                    prediction.setString(6, reasons(g.personalId()));
                    prediction.executeUpdate();
                }
            }
        }
        return source;
    }

    /** The run's manifest lists no part: it is complete at once, its percentiles ranked. */
    private static void complete(DataSource source) throws SQLException {
        try (Connection c = source.getConnection()) {
            assertEquals(RunLedger.COMPLETE, new RunLedger(GUESTS, PREDICTIONS).wrangled(c, RUN, 0, 0, Map.of()));
        }
    }

    /** Each household row of the view: personal_ids -> "members risk percentile first-reason class". */
    private static Map<String, String> households(DataSource source) throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = source.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT personal_ids, members, risk, risk_percentile,"
                        + " reasons -> 'raises' -> 0 ->> 'text', predicted_exit_destination, case_id"
                        + " FROM current_household_risk")) {
            while (rs.next()) {
                rows.put(
                        Arrays.toString((Object[]) rs.getArray(1).getArray()),
                        rs.getInt(2) + " " + rs.getDouble(3) + " " + rs.getString(4) + " " + rs.getString(5) + " "
                                + rs.getString(6) + " " + rs.getString(7));
            }
        }
        return rows;
    }

    /** Each guest's percentile in the guest predictions table, by personal_id. */
    private static Map<Integer, String> guestPercentiles(DataSource source) throws SQLException {
        Map<Integer, String> byGuest = new LinkedHashMap<>();
        try (Connection c = source.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT personal_id, risk_percentile FROM guest_predictions ORDER BY personal_id")) {
            while (rs.next()) {
                byGuest.put(rs.getInt(1), rs.getString(2));
            }
        }
        return byGuest;
    }

    @Test
    void theViewHasOneRowPerCurrentHouseholdWithItsMembersHeadFirstAndTheHeadsPrediction() throws SQLException {
        DataSource source = predicted(
                "listed",
                List.of(
                        // The head comes first whatever the keys; a member who left is not counted.
                        current(3, 10, "Child", 0.5),
                        current(4, 10, "Self", 0.75),
                        new Guest(5, 10, "Spouse", true, 0.875),
                        // Guests without a case_id are households alone.
                        current(6, null, "Self", 0.25),
                        current(7, null, null, 0.625),
                        // Without a head, the smallest key stands for the household.
                        current(9, 20, "Child", 0.125),
                        current(8, 20, "Other", 0.375)));

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("[4, 3]", "2 0.75 null guest 4's reason es 10");
        expected.put("[7]", "1 0.625 null guest 7's reason es null");
        expected.put("[8, 9]", "2 0.375 null guest 8's reason perm 20");
        expected.put("[6]", "1 0.25 null guest 6's reason perm null");
        assertEquals(expected, households(source), "most at risk first, not yet ranked");

        complete(source);

        expected.put("[4, 3]", "2 0.75 100.00 guest 4's reason es 10");
        expected.put("[7]", "1 0.625 75.00 guest 7's reason es null");
        expected.put("[8, 9]", "2 0.375 50.00 guest 8's reason perm 20");
        expected.put("[6]", "1 0.25 25.00 guest 6's reason perm null");
        assertEquals(expected, households(source));
        try (Connection c = source.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT obj_description('current_household_risk'::regclass)")) {
            rs.next();
            assertTrue(rs.getString(1).contains("head"), "the view says whose row stands for the household");
        }
    }

    @Test
    void percentilesRankHouseholdsNotGuestsAndEveryMemberCarriesItsHouseholds() throws SQLException {
        // Four households of 1, 2, 3 and 4 members, one risk each as a household model gives: among the ten guests
        // the largest household would sit at 40, among the four households it is 25.
        List<Guest> guests = new ArrayList<>();
        double[] risk = {0.875, 0.625, 0.375, 0.125};
        int id = 1;
        for (int household = 1; household <= 4; household++) {
            for (int member = 0; member < household; member++) {
                guests.add(current(id++, household, member == 0 ? "Self" : "Child", risk[household - 1]));
            }
        }
        DataSource source = predicted("sizes", guests);

        complete(source);

        Map<Integer, String> expected = new LinkedHashMap<>();
        String[] percentile = {"100.00", "75.00", "50.00", "25.00"};
        for (Guest g : guests) {
            expected.put(g.personalId(), percentile[g.caseId() - 1]);
        }
        assertEquals(expected, guestPercentiles(source));
        assertEquals(
                List.of("1 100.00", "2 75.00", "3 50.00", "4 25.00"),
                households(source).values().stream()
                        .map(row -> row.split(" ", -1)[0] + " " + row.split(" ", -1)[2])
                        .toList());
    }

    @Test
    void underAGuestModelTheHeadsRiskRanksTheHouseholdAndEqualRisksShareAPercentile() throws SQLException {
        DataSource source = predicted(
                "heads",
                List.of(
                        // A member more at risk than the head does not lift the household: the head's row stands.
                        current(1, 10, "Self", 0.25),
                        current(2, 10, "Child", 0.875),
                        current(3, 20, "Self", 0.5),
                        current(4, null, "Self", 0.5),
                        // Left since the wrangle: predicted, kept, not ranked.
                        new Guest(5, 20, "Child", true, 0.9375)));

        complete(source);

        Map<Integer, String> expected = new LinkedHashMap<>();
        expected.put(1, "33.33");
        expected.put(2, "33.33");
        expected.put(3, "100.00");
        expected.put(4, "100.00");
        expected.put(5, null);
        assertEquals(expected, guestPercentiles(source));
    }

    @Test
    void theGuestsViewKeepsOneRowPerGuestInItsShape() throws SQLException {
        DataSource source = predicted("shape", List.of(current(1, 10, "Self", 0.5), current(2, 10, "Child", 0.5)));
        try (Connection c = source.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT string_agg(column_name, ',' ORDER BY ordinal_position)"
                        + " FROM information_schema.columns WHERE table_schema = 'shape'"
                        + " AND table_name = 'current_guest_risk'")) {
            rs.next();
            assertEquals(
                    "personal_id,enroll_date,household,risk,risk_percentile,predicted_exit_destination,reasons,model,"
                            + "run_id,updated_at",
                    rs.getString(1));
        }
        try (Connection c = source.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM current_guest_risk")) {
            rs.next();
            assertEquals(2, rs.getLong(1));
        }
    }

    @Test
    void aGuestsViewNamedAsTheHouseholdsViewIsRefusedByName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PipelineSchema.migrate(
                        PG.dataSource(), GUESTS, PREDICTIONS, SqlIdentifier.of(CurrentHouseholdRiskView.NAME)));
        assertTrue(e.getMessage().contains("CURRENT_GUEST_RISK_VIEW current_household_risk"), e.getMessage());
    }
}
