package org.hmis.predictions.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GuestGeneratorTest {

    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 23);
    private static final int COUNT = 20_000;
    private static final ExitDestinationClasses CLASSES = ExitDestinationClasses.defaults();
    private static final List<String> BARRIER_COLUMNS = List.of(
            "alcohol_abuse",
            "chronic_health_condition",
            "developmental_disability",
            "substance_abuse",
            "hiv_aids",
            "mental_health_problem",
            "physical_disability");
    private static final List<String> INCOME_COLUMNS = List.of(
            "earned_income",
            "unemployement_income",
            "supplemental_security_income",
            "social_security_disability_income",
            "va_disability_compensation",
            "va_disability_pension",
            "private_disability_income",
            "workers_compensation",
            "tanf",
            "general_assistance",
            "retirement_social_security",
            "pension_from_former_job",
            "child_support",
            "alimony",
            "other_income");

    private static GeneratedGuests guests;

    @BeforeAll
    static void generate() {
        guests = GeneratedGuests.generate(generator(20261123), COUNT);
    }

    private static GuestGenerator generator(long seed) {
        return GuestGenerator.builder().seed(seed).asOf(AS_OF).build();
    }

    @Test
    void theSameSettingsWriteTheSameBytes() {
        for (GuestGenerator.Format format : GuestGenerator.Format.values()) {
            assertArrayEquals(
                    GeneratedGuests.bytes(generator(5), 3_000, format),
                    GeneratedGuests.bytes(generator(5), 3_000, format),
                    format.name());
        }
    }

    @Test
    void anotherSeedWritesOtherGuests() {
        GeneratedGuests a = GeneratedGuests.generate(generator(5), 200);
        GeneratedGuests b = GeneratedGuests.generate(generator(6), 200);
        int differing = 0;
        for (int i = 0; i < 200; i++) {
            for (String column : List.of("enroll_date", "dob", "race", "case_members", "exit_destination")) {
                if (!String.valueOf(a.get(a.rows.get(i), column))
                        .equals(String.valueOf(b.get(b.rows.get(i), column)))) {
                    differing++;
                }
            }
        }
        assertTrue(differing > 500, differing + " of 1000 sampled values differ");
    }

    @Test
    void writerAndStreamCarryTheSameText() throws IOException {
        StringWriter writer = new StringWriter();
        long rows = generator(9).write(writer, 2_000, GuestGenerator.Format.CSV);
        assertEquals(2_000, rows);
        assertEquals(
                new String(
                        GeneratedGuests.bytes(generator(9), 2_000, GuestGenerator.Format.CSV), StandardCharsets.UTF_8),
                writer.toString());
    }

    @Test
    void csvStartsWithTheColumnNamesAndQuotesValuesWithCommas() {
        String csv =
                new String(GeneratedGuests.bytes(generator(3), 50, GuestGenerator.Format.CSV), StandardCharsets.UTF_8);
        String[] lines = csv.lines().toArray(String[]::new);
        assertEquals(51, lines.length);
        assertEquals(String.join(",", GuestGenerator.COLUMNS), lines[0]);
        assertTrue(
                csv.contains(",\"Emergency shelter, including hotel or motel paid for with emergency shelter voucher,"
                        + " or RHY-funded Host Home shelter\","),
                "the comma-bearing destination is quoted");
        assertEquals(
                "",
                new String(
                        GeneratedGuests.bytes(generator(3), 0, GuestGenerator.Format.COPY_TEXT),
                        StandardCharsets.UTF_8));
    }

    @Test
    void writesEveryColumnOfTheIntakeTableButThePrediction() {
        assertEquals(153, GuestGenerator.COLUMNS.size());
        assertFalse(GuestGenerator.COLUMNS.contains("predicted_exit_destination"));
        assertEquals(COUNT, guests.rows.size());
        for (String column : List.of(
                "index",
                "first_name",
                "ssn",
                "dob",
                "exit_destination",
                "latitude",
                "email",
                "non-cash_benefit_count",
                "current_date",
                "other",
                "private",
                "work_phone")) {
            assertTrue(guests.rows.stream().anyMatch(r -> guests.get(r, column) != null), column + " has values");
        }
        for (int i = 0; i < COUNT; i++) {
            assertEquals(String.valueOf(i), guests.get(guests.rows.get(i), "index"));
        }
    }

    @Test
    void keysAreUniqueAndReEnrolmentsComeAfterTheEarlierExit() {
        Set<String> keys = new HashSet<>();
        Map<String, List<String[]>> byPerson = new HashMap<>();
        for (String[] row : guests.rows) {
            String pid = guests.get(row, "personal_id");
            assertTrue(keys.add(pid + "/" + guests.get(row, "enroll_date")), "duplicate key " + pid);
            byPerson.computeIfAbsent(pid, p -> new ArrayList<>()).add(row);
        }
        int reEnrolled = 0;
        for (List<String[]> enrolments : byPerson.values()) {
            if (enrolments.size() < 2) {
                continue;
            }
            reEnrolled++;
            enrolments.sort((x, y) -> guests.get(x, "enroll_date").compareTo(guests.get(y, "enroll_date")));
            for (int i = 1; i < enrolments.size(); i++) {
                String[] before = enrolments.get(i - 1);
                String[] after = enrolments.get(i);
                assertTrue(
                        guests.get(before, "exit_date") != null
                                && guests.get(before, "exit_date").compareTo(guests.get(after, "enroll_date")) < 0,
                        "re-enrolment of " + guests.get(after, "personal_id") + " starts after the earlier exit");
                assertEquals(guests.get(before, "dob"), guests.get(after, "dob"));
                assertEquals(guests.get(before, "ssn"), guests.get(after, "ssn"));
                assertNotEquals(guests.get(before, "case_id"), guests.get(after, "case_id"));
            }
        }
        assertTrue(reEnrolled > COUNT / 50, reEnrolled + " guests re-enrolled");
    }

    @Test
    void householdsAreConsistent() {
        Map<String, List<String[]>> byCase = new TreeMap<>();
        for (String[] row : guests.rows) {
            byCase.computeIfAbsent(guests.get(row, "case_id"), c -> new ArrayList<>())
                    .add(row);
        }
        Set<Integer> sizes = new HashSet<>();
        for (Map.Entry<String, List<String[]>> household : byCase.entrySet()) {
            List<String[]> members = household.getValue();
            String id = "case " + household.getKey();
            int adults = 0;
            int selves = 0;
            for (String[] m : members) {
                adults += guests.integer(m, "age_at_enrollment") >= 18 ? 1 : 0;
                selves += "Self".equals(guests.get(m, "relationship_to_hoh")) ? 1 : 0;
            }
            assertEquals(1, selves, id + " has one head of household");
            String expectedType = adults == members.size()
                    ? "Household without Children"
                    : adults == 0 ? "Household with Only Children" : "Household with Adults and Children";
            for (String column : List.of("enroll_date", "exit_date", "exit_destination", "household_type")) {
                Set<String> values = new HashSet<>();
                members.forEach(m -> values.add(String.valueOf(guests.get(m, column))));
                assertEquals(1, values.size(), id + " shares " + column);
            }
            for (String[] m : members) {
                assertEquals(members.size(), guests.integer(m, "case_members"), id);
                assertEquals(adults, guests.integer(m, "case_adults"), id);
                assertEquals(members.size() - adults, guests.integer(m, "case_children"), id);
                assertEquals(expectedType, guests.get(m, "household_type"), id);
            }
            sizes.add(members.size());
        }
        for (int size = 1; size <= 10; size++) {
            assertTrue(sizes.contains(size), "a household of " + size);
        }
    }

    @Test
    void theConfiguredShareOfGuestsIsCurrent() {
        assertEquals(0.10, currentShare(guests), 0.015);
        GuestGenerator many =
                GuestGenerator.builder().seed(8).asOf(AS_OF).currentShare(0.4).build();
        assertEquals(0.4, currentShare(GeneratedGuests.generate(many, COUNT)), 0.03);
        GuestGenerator none =
                GuestGenerator.builder().seed(8).asOf(AS_OF).currentShare(0).build();
        assertEquals(0, currentShare(GeneratedGuests.generate(none, 2_000)));
    }

    private static double currentShare(GeneratedGuests g) {
        return g.rows.stream().filter(r -> g.get(r, "exit_date") == null).count() / (double) g.rows.size();
    }

    @Test
    void datesAreConsistent() {
        String asOf = AS_OF.toString();
        String earliest = AS_OF.minusYears(8).toString();
        for (String[] row : guests.rows) {
            String enroll = guests.get(row, "enroll_date");
            String exit = guests.get(row, "exit_date");
            String key = guests.get(row, "personal_id") + "/" + enroll;
            assertTrue(enroll.compareTo(earliest) > 0 && enroll.compareTo(asOf) <= 0, key + " enrolled in range");
            assertTrue(guests.get(row, "dob").compareTo(enroll) <= 0, key + " born before enrolling");
            if (exit == null) {
                assertNull(guests.get(row, "exit_destination"), key);
                assertNull(guests.get(row, "income_at_exit"), key);
            } else {
                assertTrue(exit.compareTo(enroll) >= 0 && exit.compareTo(asOf) < 0, key + " exits after enrolling");
                assertTrue(guests.get(row, "exit_destination") != null, key);
            }
            int age = guests.integer(row, "age_at_enrollment");
            int ageNow = guests.integer(row, "current_age");
            assertEquals(
                    LocalDate.parse(guests.get(row, "dob"))
                            .until(LocalDate.parse(enroll))
                            .getYears(),
                    age,
                    key);
            assertTrue(age >= 0 && ageNow >= age && ageNow <= 67, key + " ages " + age + ", " + ageNow);
            assertEquals(asOf + " 06:00:00", guests.get(row, "current_date"));
        }
    }

    @Test
    void theClassMixIsNearTheConfiguredOne() {
        double[] shares = classShares(guests);
        for (int c = 0; c < shares.length; c++) {
            assertEquals(
                    GuestGenerator.DEFAULT_CLASS_MIX.share(c),
                    shares[c],
                    0.02,
                    "share of " + ExitDestinationClasses.label(c));
        }
    }

    @Test
    void aSkewedMixIsFollowed() {
        GuestGenerator skewed = GuestGenerator.builder()
                .seed(4)
                .asOf(AS_OF)
                .classMix(new ExitClassMix(1, 0, 1, 0, 0))
                .build();
        double[] shares = classShares(GeneratedGuests.generate(skewed, COUNT));
        assertEquals(0.5, shares[0], 0.03);
        assertEquals(0.5, shares[2], 0.03);
        assertEquals(0, shares[1] + shares[3] + shares[4]);
    }

    /** Share of each class among exited rows, by the pipeline's own default mapping. */
    private static double[] classShares(GeneratedGuests g) {
        double[] count = new double[ExitDestinationClasses.classCount()];
        int exited = 0;
        for (String[] row : g.rows) {
            String destination = g.get(row, "exit_destination");
            if (destination != null) {
                int c = CLASSES.classIndex(destination)
                        .orElseThrow(() -> new AssertionError("'" + destination + "' is not in the default mapping"));
                count[c]++;
                exited++;
            }
        }
        for (int c = 0; c < count.length; c++) {
            count[c] /= exited;
        }
        return count;
    }

    @Test
    void theDefaultMixIsTheExportsCountsByClass() {
        ExitClassMix mix = GuestGenerator.DEFAULT_CLASS_MIX;
        assertEquals(391 / 1796.0, mix.es(), 1e-12);
        assertEquals(94 / 1796.0, mix.other(), 1e-12);
        assertEquals(592 / 1796.0, mix.perm(), 1e-12);
        assertEquals(229 / 1796.0, mix.temp(), 1e-12);
        assertEquals(490 / 1796.0, mix.unknown(), 1e-12);
    }

    @Test
    void theClassFollowsTheGuestsFeatures() {
        Rate permWithEarnings = new Rate();
        Rate permWithout = new Rate();
        Rate esChronic = new Rate();
        Rate esNotChronic = new Rate();
        Rate unknownWithheldSsn = new Rate();
        Rate unknownFullSsn = new Rate();
        for (String[] row : guests.rows) {
            String destination = guests.get(row, "exit_destination");
            if (destination == null || !"Self".equals(guests.get(row, "relationship_to_hoh"))) {
                continue;
            }
            String label = CLASSES.classLabel(destination).orElseThrow();
            boolean earns = new BigDecimal(guests.get(row, "earned_income")).signum() > 0;
            (earns ? permWithEarnings : permWithout).add(label.equals("perm"));
            (guests.integer(row, "chronic_homeless_status") == 1 ? esChronic : esNotChronic).add(label.equals("es"));
            ("Full SSN".equals(guests.get(row, "ssn_quality")) ? unknownFullSsn : unknownWithheldSsn)
                    .add(label.equals("unknown"));
        }
        assertTrue(permWithEarnings.rate() > permWithout.rate() + 0.15, permWithEarnings + " vs " + permWithout);
        assertTrue(esChronic.rate() > esNotChronic.rate() + 0.10, esChronic + " vs " + esNotChronic);
        assertTrue(
                unknownWithheldSsn.rate() > unknownFullSsn.rate() + 0.10, unknownWithheldSsn + " vs " + unknownFullSsn);
    }

    private static final class Rate {
        private int hits;
        private int total;

        void add(boolean hit) {
            hits += hit ? 1 : 0;
            total++;
        }

        double rate() {
            return hits / (double) total;
        }

        @Override
        public String toString() {
            return hits + "/" + total;
        }
    }

    @Test
    void personalDataIsFakeAndDistinctPerGuest() {
        Pattern ssn = Pattern.compile("9\\d\\d-\\d\\d-\\d{4}");
        Pattern homePhone = Pattern.compile("555-01\\d\\d x(\\d+)");
        Pattern workPhone = Pattern.compile("555-01\\d\\d ext (\\d+)");
        Pattern zip = Pattern.compile("00[1-4]\\d\\d");
        Map<String, String> personOfSsn = new HashMap<>();
        for (String[] row : guests.rows) {
            String pid = guests.get(row, "personal_id");
            assertEquals("Guest-" + pid, guests.get(row, "first_name"));
            assertEquals("Fakename-" + pid, guests.get(row, "last_name"));
            assertEquals(pid + " Synthetic Lane", guests.get(row, "prior_address"));
            assertTrue(guests.get(row, "enrollment_created_by").matches("Caseworker-\\d\\d"));
            assertTrue(zip.matcher(guests.get(row, "zip")).matches(), guests.get(row, "zip"));
            assertTrue(Math.abs(Double.parseDouble(guests.get(row, "latitude"))) <= 0.5);
            assertTrue(Math.abs(Double.parseDouble(guests.get(row, "longitude"))) <= 0.5);
            String s = guests.get(row, "ssn");
            if (s != null) {
                assertTrue(ssn.matcher(s).matches(), s);
                String other = personOfSsn.putIfAbsent(s, pid);
                assertTrue(other == null || other.equals(pid), "ssn " + s + " of " + pid + " and " + other);
            }
            String email = guests.get(row, "email");
            assertTrue(email == null || email.equals("guest-" + pid + "@example.invalid"), email);
            String home = guests.get(row, "home_phone");
            assertTrue(home == null || (homePhone.matcher(home).matches() && home.endsWith("x" + pid)), home);
            String work = guests.get(row, "work_phone");
            assertTrue(work == null || workPhone.matcher(work).matches(), work);
        }
        assertTrue(personOfSsn.size() > COUNT / 2, personOfSsn.size() + " distinct SSNs");
    }

    @Test
    void valuesStayInTheReferenceRanges() {
        Set<String> relationships = Set.of(
                "Self",
                "Son",
                "Daughter",
                "Significant Other (Non-Married)",
                "Spouse",
                "Grandchild",
                "Other Family Member",
                "Dependent Child",
                "Step Child",
                "Other Non-Family");
        int withoutIncome = 0;
        for (String[] row : guests.rows) {
            String key = guests.get(row, "personal_id") + "/" + guests.get(row, "enroll_date");
            assertTrue(relationships.contains(guests.get(row, "relationship_to_hoh")), key);
            assertBetween(row, "case_members", 1, 10);
            assertBetween(row, "case_children", 0, 8);
            assertBetween(row, "case_adults", 0, 4);
            assertBetween(row, "non-cash_benefit_count", 0, 10);
            assertBetween(row, "barrier_count_at_entry", 0, 6);
            assertBetween(row, "chronic_homeless_status", 0, 1);
            assertBetween(row, "chronic_homeless_status_evaluation", 0, 1);
            assertTrue(Set.of("500", "142").contains(guests.get(row, "inforeleaseno")), key);
            assertEquals(guests.integer(row, "age_at_enrollment") < 25 ? "Yes" : "No", guests.get(row, "under_25"));
            long barriers = BARRIER_COLUMNS.stream()
                    .filter(c -> guests.get(row, c) != null)
                    .count();
            assertEquals(guests.integer(row, "barrier_count_at_entry"), barriers, key + " barrier count");
            boolean restricted = guests.get(row, "client_record_restricted").equals("t");
            assertEquals(
                    restricted ? "Client NOT seen by others" : "Client may be seen by others",
                    guests.get(row, "info_release_status"),
                    key);
            boolean noIncome = true;
            for (String column : INCOME_COLUMNS) {
                BigDecimal amount = new BigDecimal(guests.get(row, column));
                assertTrue(amount.signum() >= 0 && amount.compareTo(new BigDecimal("4000")) < 0, key + " " + column);
                noIncome &= amount.signum() == 0;
            }
            withoutIncome += noIncome ? 1 : 0;
        }
        assertTrue(withoutIncome > COUNT / 2, withoutIncome + " rows without income");
    }

    private static void assertBetween(String[] row, String column, int min, int max) {
        int value = guests.integer(row, column);
        assertTrue(value >= min && value <= max, column + " " + value + " not in " + min + ".." + max);
    }

    @Test
    void badSettingsAreRefusedByName() {
        IllegalArgumentException share = assertThrows(
                IllegalArgumentException.class, () -> GuestGenerator.builder().currentShare(1.5));
        assertTrue(share.getMessage().contains("currentShare is 1.5"), share.getMessage());
        IllegalArgumentException count = assertThrows(
                IllegalArgumentException.class,
                () -> generator(1).write(new StringWriter(), -1, GuestGenerator.Format.CSV));
        assertTrue(count.getMessage().contains("count is -1"), count.getMessage());
        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> new ExitClassMix(0.2, -0.1, 0.5, 0.2, 0.2));
        assertTrue(negative.getMessage().contains("'other'"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExitClassMix(0, 0, 0, 0, 0));
        assertThrows(
                IllegalArgumentException.class, () -> GuestGenerator.builder().asOf(LocalDate.of(1999, 1, 1)));
    }
}
