package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

/**
 * Training rows of the household specification (v3) read from generated guests: one row per exited household, its
 * head's destination, and features that are what the household's member rows say, computed here member by member.
 */
class ExitedHouseholdsTest {

    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final SqlIdentifier TABLE = SqlIdentifier.of("guests");
    private static final List<String> DISABILITY_INCOME = List.of(
            "supplemental_security_income",
            "social_security_disability_income",
            "va_disability_compensation",
            "private_disability_income");
    private static final List<String> OTHER_INCOME =
            List.of("tanf", "general_assistance", "child_support", "other_income");

    /** One exited guest's row, as the table holds it. */
    private record Member(
            int personalId,
            LocalDate enrollDate,
            boolean head,
            Integer age,
            String destination,
            double earned,
            double disability,
            double other,
            Integer chronic,
            Integer daysHomeless) {}

    private static List<List<Member>> households;
    private static TrainingSet set;

    @BeforeAll
    static void loadGuests() throws Exception {
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, TABLE);
            new GuestLoader(GuestGenerator.builder()
                            .seed(23)
                            .asOf(LocalDate.of(2026, 11, 23))
                            .build())
                    .load(c, TABLE, 8_000);
            households = exitedHouseholds(c);
            set = ExitedGuests.read(c, TABLE, FeatureSpec.V3, ExitDestinationClasses.defaults());
        }
    }

    @Test
    void oneRowPerExitedHouseholdInTheOrderOfItsHeadsKey() throws SQLException {
        try (Connection c = PG.connect()) {
            long distinct = scalar(
                    c,
                    "SELECT count(*) FROM (SELECT DISTINCT coalesce(case_id, -personal_id), exit_date FROM guests"
                            + " WHERE exit_date IS NOT NULL AND exit_destination IS NOT NULL) households");
            assertEquals(distinct, households.size());
            assertEquals(distinct, set.rowsRead());
            assertEquals(distinct, set.data().rows(), "every generated destination is mapped");
            long exitedGuests = scalar(
                    c, "SELECT count(*) FROM guests WHERE exit_date IS NOT NULL AND exit_destination IS NOT NULL");
            assertTrue(exitedGuests > distinct * 3 / 2, "households of several members: " + exitedGuests);
        }
        assertEquals(FeatureSpec.V3.featureNames(), set.data().featureNames());
    }

    @Test
    void theLabelIsTheHeadsDestination() {
        ExitDestinationClasses classes = ExitDestinationClasses.defaults();
        int[] labels = set.data().labels(allRows());
        for (int row = 0; row < households.size(); row++) {
            Member head = representative(households.get(row));
            assertEquals(classes.classIndex(head.destination()).getAsInt(), labels[row], "household row " + row);
        }
    }

    @Test
    void featuresAreTheMembersAggregates() {
        double[] features = set.data().features(allRows());
        int width = set.data().numFeatures();
        List<String> names = set.data().featureNames();
        int checkedLarge = 0;
        for (int row = 0; row < households.size(); row++) {
            List<Member> members = households.get(row);
            List<Member> adults = members.stream()
                    .filter(m -> m.age() != null && m.age() >= 18)
                    .toList();
            Map<String, Double> expected = new LinkedHashMap<>();
            expected.put("household_members", (double) members.size());
            expected.put("household_adults", (double) adults.size());
            expected.put("household_children", (double) members.stream()
                    .filter(m -> m.age() != null && m.age() < 18)
                    .count());
            expected.put(
                    "adults_earned_income",
                    adults.stream().mapToDouble(Member::earned).sum());
            expected.put(
                    "adults_disability_income",
                    adults.stream().mapToDouble(Member::disability).sum());
            expected.put(
                    "adults_other_income",
                    adults.stream().mapToDouble(Member::other).sum());
            expected.put(
                    "chronically_homeless",
                    members.stream().anyMatch(m -> m.chronic() != null && m.chronic() == 1) ? 1.0 : 0.0);
            Member head = members.stream().filter(Member::head).findFirst().orElse(null);
            expected.put(
                    "head_days_homeless",
                    head == null || head.daysHomeless() == null ? Double.NaN : (double) head.daysHomeless());
            for (Map.Entry<String, Double> feature : expected.entrySet()) {
                double actual = features[row * width + names.indexOf(feature.getKey())];
                assertEquals(
                        feature.getValue(),
                        actual,
                        1e-9,
                        feature.getKey() + " of household row " + row + " (case " + members + ")");
            }
            checkedLarge += members.size() >= 3 && !adults.isEmpty() ? 1 : 0;
        }
        assertTrue(checkedLarge > 100, "households of three or more with an adult: " + checkedLarge);
    }

    private static int[] allRows() {
        int[] rows = new int[set.data().rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        return rows;
    }

    /** The head, or without a head the member of the smallest key: whose row stands for the household. */
    private static Member representative(List<Member> members) {
        return members.stream().filter(Member::head).findFirst().orElse(members.get(0));
    }

    /** The exited guests grouped by household and day of exit, each household's members in key order. */
    private static List<List<Member>> exitedHouseholds(Connection c) throws SQLException {
        Map<String, List<Member>> byHousehold = new LinkedHashMap<>();
        String sum = "coalesce(%s, 0)";
        String disability = String.join(
                " + ", DISABILITY_INCOME.stream().map(sum::formatted).toList());
        String other =
                String.join(" + ", OTHER_INCOME.stream().map(sum::formatted).toList());
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT personal_id, enroll_date, case_id, exit_date,"
                        + " relationship_to_hoh, age_at_enrollment, exit_destination, coalesce(earned_income, 0), "
                        + disability + ", " + other + ", chronic_homeless_status, length_of_time_homeless"
                        + " FROM guests WHERE exit_date IS NOT NULL AND exit_destination IS NOT NULL"
                        + " ORDER BY personal_id, enroll_date")) {
            while (rs.next()) {
                Object caseId = rs.getObject(3);
                String key = (caseId == null ? "guest " + rs.getInt(1) : "case " + caseId) + " " + rs.getDate(4);
                byHousehold
                        .computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new Member(
                                rs.getInt(1),
                                rs.getDate(2).toLocalDate(),
                                "Self".equals(rs.getString(5)),
                                (Integer) rs.getObject(6),
                                rs.getString(7),
                                number(rs.getBigDecimal(8)),
                                number(rs.getBigDecimal(9)),
                                number(rs.getBigDecimal(10)),
                                (Integer) rs.getObject(11),
                                (Integer) rs.getObject(12)));
            }
        }
        List<List<Member>> all = new ArrayList<>(byHousehold.values());
        all.sort(Comparator.comparing(
                        (List<Member> members) -> representative(members).personalId())
                .thenComparing(members -> representative(members).enrollDate()));
        return all;
    }

    private static double number(BigDecimal value) {
        return value.doubleValue();
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
