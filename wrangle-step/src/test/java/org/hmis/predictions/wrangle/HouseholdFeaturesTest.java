package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.GuestKey;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The current guests' features under the household specification (v3), as the wrangle reads them from a real
 * PostgreSQL: every current member of a household carries the same values, computed over its current members.
 */
class HouseholdFeaturesTest {

    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final SqlIdentifier GUESTS = SqlIdentifier.of("guests");

    @Test
    void everyCurrentMemberOfAHouseholdCarriesTheSameFeatures() throws Exception {
        Map<GuestKey, Object> households = new HashMap<>();
        Map<Object, List<double[]>> featuresByHousehold = new HashMap<>();
        int rows = 0;
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, GUESTS);
            new GuestLoader(GuestGenerator.builder()
                            .seed(31)
                            .asOf(LocalDate.of(2026, 11, 23))
                            .currentShare(0.5)
                            .build())
                    .load(c, GUESTS, 6_000);
            // A guest who left stays out of the household it left: its counts must not change the others'.
            execute(
                    c,
                    "UPDATE guests SET exit_date = enroll_date + 3, exit_destination = 'Other'"
                            + " WHERE exit_date IS NULL AND relationship_to_hoh <> 'Self' AND personal_id % 5 = 0");
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT personal_id, enroll_date, case_id FROM guests" + " WHERE exit_date IS NULL")) {
                while (rs.next()) {
                    Object caseId = rs.getObject(3);
                    households.put(
                            new GuestKey(rs.getInt(1), rs.getDate(2).toLocalDate()),
                            caseId == null ? "guest " + rs.getInt(1) : caseId);
                }
            }
            GuestFeatures features = new GuestFeatures(FeatureSpec.V3);
            int width = features.inputColumns().size();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(FeatureQuery.currentGuests(GUESTS, FeatureSpec.V3))) {
                String[] row = new String[width];
                while (rs.next()) {
                    for (int i = 0; i < width; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    double[] values = new double[FeatureSpec.V3.size()];
                    GuestKey key = features.encode(row, values);
                    featuresByHousehold
                            .computeIfAbsent(households.get(key), h -> new ArrayList<>())
                            .add(values);
                    rows++;
                }
            }
        }
        assertEquals(households.size(), rows, "one row per current guest");
        int members = FeatureSpec.V3.featureNames().indexOf("household_members");
        int largerThanOne = 0;
        for (Map.Entry<Object, List<double[]>> household : featuresByHousehold.entrySet()) {
            List<double[]> memberRows = household.getValue();
            for (double[] member : memberRows) {
                assertArrayEquals(memberRows.get(0), member, "household " + household.getKey());
            }
            assertEquals(
                    memberRows.size(),
                    memberRows.get(0)[members],
                    "household_members counts the current members of household " + household.getKey());
            largerThanOne += memberRows.size() > 1 ? 1 : 0;
        }
        assertTrue(largerThanOne > 100, "households of several current members: " + largerThanOne);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
