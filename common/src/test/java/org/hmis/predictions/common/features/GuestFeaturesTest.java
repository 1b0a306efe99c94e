package org.hmis.predictions.common.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.FeatureSpec.Encoding;
import org.hmis.predictions.common.features.FeatureSpec.Feature;
import org.junit.jupiter.api.Test;

class GuestFeaturesTest {

    private static final double NAN = Double.NaN;

    private final GuestFeatures transform = new GuestFeatures(FeatureSpec.V1);
    private final double[] features = new double[49];

    @Test
    void inputColumnsAreTheKeyThenTheSourceColumns() {
        List<String> columns = transform.inputColumns();
        assertEquals(List.of("personal_id", "enroll_date", "case_members"), columns.subList(0, 3));
        assertEquals(FeatureSpec.V1.sourceColumns(), columns.subList(2, columns.size()));
        assertEquals(32, columns.size());
    }

    @Test
    void encodesAHandMadeRowToKnownValues() throws RejectedRowException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("personal_id", "123");
        values.put("enroll_date", "2021-03-04");
        values.put("case_members", "4");
        values.put("age_at_enrollment", "35");
        values.put("current_age", "37");
        values.put("client_record_restricted", "t");
        values.put("inforeleaseno", "500");
        values.put("non-cash_benefit_count", "2");
        values.put("barrier_count_at_entry", "0");
        values.put("chronic_homeless_status", "1");
        values.put("under_25", "No");
        values.put("case_children", "2");
        values.put("case_adults", "2");
        values.put("earned_income", "1250.50");
        values.put("supplemental_security_income", "0.00");
        values.put("social_security_disability_income", "783.10");
        values.put("va_disability_compensation", "0.00");
        values.put("private_disability_income", "12.34");
        values.put("tanf", "450.00");
        values.put("general_assistance", "0");
        values.put("child_support", "100.75");
        values.put("other_income", "0.01");
        values.put("chronic_homeless_status_evaluation", "1");
        values.put("relationship_to_hoh", "Spouse");
        values.put("ssn_quality", "Full SSN");
        values.put("dob_quality", "Approximate or Partial DOB Reported");
        values.put("race", "Black or African American");
        values.put("ethnicity", "Hispanic/Latino");
        values.put("gender", "Male");
        values.put("disabling_cond_at_entry", "Client refused");
        values.put("covered_by_health_insurance", "Yes");
        values.put("household_type", "Household without Children");

        GuestKey key = transform.encode(row(values), features);

        assertEquals(new GuestKey(123, LocalDate.of(2021, 3, 4)), key);
        double[] expected = {
            4,
            35,
            37,
            1,
            500,
            2,
            0,
            1,
            0,
            2,
            2,
            1250.5,
            0,
            783.1,
            0,
            12.34,
            450,
            0,
            100.75,
            0.01,
            1,
            // is_hoh, is_son, is_daughter, is_significant_other, is_spouse, is_grandchild, is_other_family,
            // is_other_non_family
            0,
            0,
            0,
            0,
            1,
            0,
            0,
            0,
            // ssn_available, dob_available
            1,
            0,
            // race_refused, is_white, is_am_or_ak_native, is_black, is_multi_racial, is_pacific_islander, is_asian
            0,
            0,
            0,
            1,
            0,
            0,
            0,
            // ethnicity_refused, is_latino
            0,
            1,
            // is_female, is_male, is_trans
            0,
            1,
            0,
            // disabling_cond_at_entry_refused, is_disabled_at_entry
            1,
            0,
            // covered_by_health_insurance_refused, is_covered_by_health_insurance
            0,
            1,
            // household_has_adults_children, household_has_adults_only
            0,
            1,
        };
        assertArrayEquals(expected, features);
        assertEquals(Map.of(), transform.unknownValueCounts());
    }

    @Test
    void nullsEverywhereStillGiveARowOfMissingNumbersAndZeroFlags() throws RejectedRowException {
        // Fill the array first: every value must be rewritten, not left from an earlier row.
        Arrays.fill(features, 7);
        String[] row = new String[transform.inputColumns().size()];
        row[0] = "9";
        row[1] = "2020-02-29";

        GuestKey key = transform.encode(row, features);

        assertEquals(new GuestKey(9, LocalDate.of(2020, 2, 29)), key);
        for (int f = 0; f < 49; f++) {
            double expected = f < 21 ? NAN : 0;
            assertEquals(expected, features[f], FeatureSpec.V1.featureNames().get(f));
        }
        assertEquals(Map.of(), transform.unknownValueCounts());
    }

    @Test
    void emptyTextIsTreatedAsNull() throws RejectedRowException {
        String[] row = new String[transform.inputColumns().size()];
        Arrays.fill(row, "");
        row[0] = "9";
        row[1] = "2020-01-01";
        transform.encode(row, features);
        assertTrue(Double.isNaN(features[0]));
        assertEquals(0, features[21]);
        assertEquals(Map.of(), transform.unknownValueCounts());
    }

    @Test
    void everyListedValueSetsExactlyItsOwnFlag() throws RejectedRowException {
        List<Feature> all = FeatureSpec.V1.features();
        for (int f = 0; f < all.size(); f++) {
            Feature feature = all.get(f);
            for (String value : feature.values()) {
                transform.encode(
                        row(Map.of("personal_id", "1", "enroll_date", "2020-01-01", feature.sourceColumn(), value)),
                        features);
                for (int g = 0; g < all.size(); g++) {
                    if (all.get(g).encoding() == Encoding.ONE_HOT) {
                        assertEquals(
                                g == f ? 1 : 0,
                                features[g],
                                value + " -> " + all.get(g).name());
                    }
                }
            }
        }
        assertEquals(Map.of(), transform.unknownValueCounts());
    }

    @Test
    void otherNonFamilyCoversThreeRelationships() throws RejectedRowException {
        int isOtherNonFamily = FeatureSpec.V1.featureNames().indexOf("is_other_non_family");
        for (String relationship : List.of("Dependent Child", "Step Child", "Other Non-Family")) {
            transform.encode(
                    row(Map.of("personal_id", "1", "enroll_date", "2020-01-01", "relationship_to_hoh", relationship)),
                    features);
            assertEquals(1, features[isOtherNonFamily], relationship);
        }
    }

    @Test
    void knownValuesWithoutAFlagGiveZerosAndAreNotCounted() throws RejectedRowException {
        transform.encode(
                row(Map.of(
                        "personal_id",
                        "1",
                        "enroll_date",
                        "2020-01-01",
                        "race",
                        "Client doesn't know",
                        "ethnicity",
                        "Non-Hispanic/Latino",
                        "gender",
                        "Gender Non-Conforming (i.e. not exclusively male or female)",
                        "household_type",
                        "Household with Only Children")),
                features);
        for (int f = 21; f < 49; f++) {
            assertEquals(0, features[f], FeatureSpec.V1.featureNames().get(f));
        }
        assertEquals(Map.of(), transform.unknownValueCounts());
    }

    @Test
    void unknownCategoriesGiveZerosAndAreCountedPerColumn() throws RejectedRowException {
        Map<String, String> values = Map.of(
                "personal_id",
                "1",
                "enroll_date",
                "2020-01-01",
                "race",
                "Martian",
                "gender",
                "female",
                "relationship_to_hoh",
                "Self");
        transform.encode(row(values), features);
        transform.encode(row(values), features);
        transform.encode(row(Map.of("personal_id", "2", "enroll_date", "2020-01-01", "race", "Venusian")), features);

        List<String> names = FeatureSpec.V1.featureNames();
        for (String flag : List.of(
                "race_refused",
                "is_white",
                "is_am_or_ak_native",
                "is_black",
                "is_multi_racial",
                "is_pacific_islander",
                "is_asian")) {
            assertEquals(0, features[names.indexOf(flag)], flag);
        }
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("race", 3L);
        expected.put("gender", 2L);
        assertEquals(expected, transform.unknownValueCounts());
        assertEquals(
                List.of("race", "gender"),
                List.copyOf(transform.unknownValueCounts().keySet()));
    }

    @Test
    void trueFalseAndYesNoBecomeOneAndZero() throws RejectedRowException {
        int restricted = FeatureSpec.V1.featureNames().indexOf("client_record_restricted");
        int under25 = FeatureSpec.V1.featureNames().indexOf("under_25");
        Map<String, Double> booleans = Map.of("t", 1.0, "true", 1.0, "True", 1.0, "f", 0.0, "false", 0.0, "FALSE", 0.0);
        for (Map.Entry<String, Double> entry : booleans.entrySet()) {
            transform.encode(
                    row(Map.of(
                            "personal_id",
                            "1",
                            "enroll_date",
                            "2020-01-01",
                            "client_record_restricted",
                            entry.getKey(),
                            "under_25",
                            entry.getValue() == 1 ? "Yes" : "No")),
                    features);
            assertEquals(entry.getValue(), features[restricted], entry.getKey());
            assertEquals(entry.getValue(), features[under25], entry.getKey());
        }
        assertEquals(Map.of(), transform.unknownValueCounts());

        transform.encode(
                row(Map.of(
                        "personal_id",
                        "1",
                        "enroll_date",
                        "2020-01-01",
                        "client_record_restricted",
                        "maybe",
                        "under_25",
                        "yes")),
                features);
        assertTrue(Double.isNaN(features[restricted]));
        assertTrue(Double.isNaN(features[under25]));
        assertEquals(Map.of("client_record_restricted", 1L, "under_25", 1L), transform.unknownValueCounts());
    }

    @Test
    void unparseableNumbersAreMissingAndCounted() throws RejectedRowException {
        transform.encode(
                row(Map.of(
                        "personal_id",
                        "1",
                        "enroll_date",
                        "2020-01-01",
                        "case_members",
                        "three",
                        "earned_income",
                        "12,5",
                        "tanf",
                        "-7.25",
                        "other_income",
                        "NaN")),
                features);
        List<String> names = FeatureSpec.V1.featureNames();
        assertTrue(Double.isNaN(features[names.indexOf("case_members")]));
        assertTrue(Double.isNaN(features[names.indexOf("earned_income")]));
        assertEquals(-7.25, features[names.indexOf("tanf")]);
        assertTrue(Double.isNaN(features[names.indexOf("other_income")]));
        assertEquals(Map.of("case_members", 1L, "earned_income", 1L), transform.unknownValueCounts());
    }

    @Test
    void rowsWithAMissingOrMalformedKeyAreRejectedWithTheReason() {
        assertEquals("personal_id is missing", rejectReason(null, "2020-01-01"));
        assertEquals("personal_id is missing", rejectReason("", "2020-01-01"));
        assertEquals("personal_id 'x12' is not an integer", rejectReason("x12", "2020-01-01"));
        assertEquals("personal_id '99999999999' is not an integer", rejectReason("99999999999", "2020-01-01"));
        assertEquals("enroll_date is missing", rejectReason("1", null));
        assertEquals("enroll_date 'x' is not a date (YYYY-MM-DD)", rejectReason("1", "x"));
        assertEquals("enroll_date '2019-02-29' is not a date (YYYY-MM-DD)", rejectReason("1", "2019-02-29"));
        assertEquals("enroll_date '2019-13-01' is not a date (YYYY-MM-DD)", rejectReason("1", "2019-13-01"));
        assertEquals(
                "enroll_date '2019-01-02 00:00:00' is not a date (YYYY-MM-DD)",
                rejectReason("1", "2019-01-02 00:00:00"));
        assertEquals(
                "enroll_date '" + "9".repeat(40) + "...' (50 characters) is not a date (YYYY-MM-DD)",
                rejectReason("1", "9".repeat(50)));
    }

    @Test
    void aRejectedRowIsNotEncodedNorCounted() {
        Arrays.fill(features, 7);
        String[] row = row(Map.of("enroll_date", "2020-01-01", "race", "Martian"));
        assertThrows(RejectedRowException.class, () -> transform.encode(row, features));
        assertTrue(Arrays.stream(features).allMatch(v -> v == 7));
        assertEquals(Map.of(), transform.unknownValueCounts());
    }

    @Test
    void columnsAfterTheInputColumnsAreIgnored() throws RejectedRowException {
        String[] row = Arrays.copyOf(row(Map.of("personal_id", "5", "enroll_date", "2020-01-01")), 33);
        row[32] = "Safe Haven";
        assertEquals(5, transform.encode(row, features).personalId());
    }

    @Test
    void shortRowsAndWrongFeatureArraysAreProgrammingErrors() {
        IllegalArgumentException shortRow =
                assertThrows(IllegalArgumentException.class, () -> transform.encode(new String[3], features));
        assertTrue(shortRow.getMessage().startsWith("a row needs 32 values"), shortRow.getMessage());
        IllegalArgumentException shortArray = assertThrows(
                IllegalArgumentException.class,
                () -> transform.encode(row(Map.of("personal_id", "1", "enroll_date", "2020-01-01")), new double[48]));
        assertEquals("features needs room for 49 values, has 48", shortArray.getMessage());
    }

    private String rejectReason(String personalId, String enrollDate) {
        String[] row = new String[transform.inputColumns().size()];
        row[0] = personalId;
        row[1] = enrollDate;
        return assertThrows(RejectedRowException.class, () -> transform.encode(row, features))
                .reason();
    }

    /** A row with the given columns' values and NULL elsewhere. */
    private String[] row(Map<String, String> values) {
        List<String> columns = transform.inputColumns();
        String[] row = new String[columns.size()];
        values.forEach((column, value) -> {
            int index = columns.indexOf(column);
            if (index < 0) {
                throw new IllegalArgumentException("no input column " + column);
            }
            row[index] = value;
        });
        return row;
    }
}
