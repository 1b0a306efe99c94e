package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Training rows read from a real guests table of generated guests, and a model trained on them. */
class ExitedGuestsTest {

    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final SqlIdentifier TABLE = SqlIdentifier.of("guests");
    private static final int GUESTS = 20_000;
    private static long exitedRows;

    @BeforeAll
    static void loadGuests() throws Exception {
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, TABLE);
            new GuestLoader(GuestGenerator.builder()
                            .seed(17)
                            .asOf(LocalDate.of(2026, 11, 23))
                            .build())
                    .load(c, TABLE, GUESTS);
            exitedRows = scalar(
                    c, "SELECT count(*) FROM guests WHERE exit_date IS NOT NULL AND exit_destination IS NOT NULL");
        }
    }

    @Test
    void readsEveryExitedGuestWithItsClassAndHousehold() throws SQLException {
        try (Connection c = PG.connect()) {
            TrainingSet set = ExitedGuests.read(c, TABLE, FeatureSpec.V1, ExitDestinationClasses.defaults());
            assertEquals(exitedRows, set.rowsRead());
            assertEquals(exitedRows, set.data().rows(), "the generator uses only mapped destinations and valid keys");
            assertEquals(0, set.unmappedRows());
            assertEquals(0, set.rejectedRows());
            assertEquals(FeatureSpec.V1.featureNames(), set.data().featureNames());
            assertEquals(exitedRows, Arrays.stream(set.classCounts()).sum());
            assertEquals(
                    scalar(
                            c,
                            "SELECT count(*) FROM guests WHERE exit_destination = 'Client refused'"
                                    + " OR exit_destination = 'No exit interview completed' OR exit_destination = 'Client doesn''t know'"),
                    set.classCounts()[ExitDestinationClasses.indexOf("unknown")]);
            assertEquals(
                    scalar(c, "SELECT count(DISTINCT case_id) FROM guests WHERE exit_date IS NOT NULL"),
                    Arrays.stream(set.data().groupIds()).distinct().count());
            assertTrue(c.getAutoCommit(), "the connection's autocommit is restored");
        }
    }

    @Test
    void readsEachGuestsGroupsBesideTheFeaturesWhateverTheSpecification() throws SQLException {
        try (Connection c = PG.connect()) {
            TrainingSet set = ExitedGuests.read(c, TABLE, FeatureSpec.V2, ExitDestinationClasses.defaults());
            assertEquals(FeatureSpec.V2.featureNames(), set.data().featureNames());
            GroupAttributes attributes = set.data().attributes();
            assertEquals(
                    List.of("race", "ethnicity", "gender", "household_type", "age_band_at_entry"), attributes.names());
            assertEquals(exitedRows, attributes.rows());
            // In key order, as the rows: the same groups as the table says, guest by guest.
            List<String> expectedRace = new ArrayList<>();
            List<String> expectedBand = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT race, age_at_enrollment FROM guests"
                            + " WHERE exit_date IS NOT NULL AND exit_destination IS NOT NULL"
                            + " ORDER BY personal_id, enroll_date")) {
                while (rs.next()) {
                    expectedRace.add(rs.getString(1) == null ? GroupAttributes.MISSING : rs.getString(1));
                    expectedBand.add(GroupAttributes.ageBand(rs.getString(2)));
                }
            }
            assertEquals(expectedRace, List.of(attributes.groups("race")));
            assertEquals(expectedBand, List.of(attributes.groups("age_band_at_entry")));
            assertTrue(
                    expectedRace.contains("White") && expectedBand.contains("0-17") && expectedBand.contains("25-34"));
        }
    }

    @Test
    void ageBandsAtEntry() {
        assertEquals("0-17", GroupAttributes.ageBand("0"));
        assertEquals("0-17", GroupAttributes.ageBand("17"));
        assertEquals("18-24", GroupAttributes.ageBand("18"));
        assertEquals("25-34", GroupAttributes.ageBand("34.5"));
        assertEquals("55-64", GroupAttributes.ageBand("64"));
        assertEquals("65+", GroupAttributes.ageBand("65"));
        assertEquals(GroupAttributes.MISSING, GroupAttributes.ageBand(null));
        assertEquals(GroupAttributes.MISSING, GroupAttributes.ageBand("-1"));
        assertEquals(GroupAttributes.MISSING, GroupAttributes.ageBand("forty"));
    }

    @Test
    void unmappedDestinationsAreCountedAndLeftOutAndTheMappingIsConfigurable() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE guests_odd AS SELECT * FROM guests");
            st.execute("UPDATE guests_odd SET exit_destination = 'Moved abroad' WHERE personal_id IN"
                    + " (SELECT personal_id FROM guests_odd WHERE exit_date IS NOT NULL ORDER BY personal_id LIMIT 7)");
            ExitDestinationClasses refusedIsOther =
                    ExitDestinationClasses.defaults().withJsonOverrides("{\"Client refused\": \"other\"}");
            TrainingSet set = ExitedGuests.read(c, SqlIdentifier.of("guests_odd"), FeatureSpec.V1, refusedIsOther);
            long moved = scalar(c, "SELECT count(*) FROM guests_odd WHERE exit_destination = 'Moved abroad'");
            assertTrue(moved >= 7);
            assertEquals(Map.of("Moved abroad", moved), set.unmappedDestinations());
            assertEquals(exitedRows - moved, set.data().rows());
            long refused = scalar(c, "SELECT count(*) FROM guests_odd WHERE exit_destination = 'Client refused'");
            long other = scalar(
                    c,
                    "SELECT count(*) FROM guests_odd WHERE exit_destination IN ('Other', 'Client refused',"
                            + " 'Safe Haven', 'Substance Abuse Treatment or Detox Center', 'Foster Care Home or Foster Care Group Home',"
                            + " 'Psychiatric Hospital or Other Psychiatric Facility') OR exit_destination LIKE 'Place not meant%'");
            assertTrue(refused > 0);
            assertEquals(other, set.classCounts()[ExitDestinationClasses.indexOf("other")]);
        }
    }

    @Test
    void noUsableRowIsAClearError() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE guests_current AS SELECT * FROM guests WHERE exit_date IS NULL");
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> ExitedGuests.read(
                            c, SqlIdentifier.of("guests_current"), FeatureSpec.V1, ExitDestinationClasses.defaults()));
            assertTrue(e.getMessage().contains("no exited guest in guests_current"), e.getMessage());
        }
    }

    @Test
    void theQuerySelectsNoPersonalData() {
        String sql = ExitedGuests.query(TABLE, FeatureSpec.V1);
        for (String personal :
                new String[] {"first_name", "last_name", "ssn\"", "dob\"", "email", "phone", "address"}) {
            assertFalse(sql.contains(personal), personal + " in " + sql);
        }
        assertTrue(sql.contains("\"enroll_date\"::date"));
    }

    @Test
    void aModelTrainedOnGeneratedGuestsBeatsTheMajorityBaselineOnUnseenHouseholds() throws SQLException {
        TrainingSet set;
        try (Connection c = PG.connect()) {
            set = ExitedGuests.read(c, TABLE, FeatureSpec.V1, ExitDestinationClasses.defaults());
        }
        StoredModel artifact = new ModelTrainer(new TrainingParameters(60, 0.1, 31, 7, 2, 0.2))
                .train("exit-destination", FeatureSpec.V1.version(), set.data());
        ClassificationMetrics metrics = ClassificationMetrics.of(artifact.manifest());
        assertEquals(
                set.data().rows(),
                artifact.manifest().trainRows() + artifact.manifest().testRows());
        assertTrue(
                metrics.accuracy() > metrics.majorityBaselineAccuracy() + 0.05,
                "accuracy " + metrics.accuracy() + " vs majority baseline " + metrics.majorityBaselineAccuracy());
        assertTrue(metrics.macroF1() > 0.2, "macro F1 " + metrics.macroF1());
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
