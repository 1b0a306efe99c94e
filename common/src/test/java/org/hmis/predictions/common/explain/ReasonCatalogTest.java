package org.hmis.predictions.common.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hmis.predictions.common.features.FeatureSpec;
import org.junit.jupiter.api.Test;

class ReasonCatalogTest {
    private static final ReasonCatalog CATALOG = ReasonCatalog.bundled();

    @Test
    void theBundledCatalogCoversEveryFeatureOfEverySpecificationVersion() {
        for (String version : FeatureSpec.versions()) {
            CATALOG.requireCovers(FeatureSpec.forVersion(version).featureNames());
        }
    }

    @Test
    void featuresThatStateOneFactShareItAndTheHouseholdsTextsSpeakOfTheHousehold() {
        for (String feature : List.of("household_members", "household_adults", "household_children")) {
            assertEquals("household_composition", CATALOG.fact(feature), feature);
        }
        for (String feature : List.of(
                "case_members",
                "case_adults",
                "case_children",
                "household_has_adults_children",
                "household_has_adults_only")) {
            assertEquals("household_composition", CATALOG.fact(feature), feature);
        }
        for (String feature : List.of("adults_earned_income", "adults_disability_income", "adults_other_income")) {
            assertEquals("income", CATALOG.fact(feature), feature);
        }
        assertEquals("no adult in the household has earned income", CATALOG.text("adults_earned_income", 0));
        assertEquals("4 people in the household", CATALOG.text("household_members", 4));
        for (FeatureSpec.Feature feature : FeatureSpec.V3.features()) {
            for (double value : new double[] {0, 1, 2}) {
                String text = CATALOG.text(feature.name(), value);
                assertTrue(text.contains("household"), feature.name() + " at " + value + ": " + text);
            }
        }
    }

    @Test
    void aMissingEntryIsNamed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CATALOG.requireCovers(List.of("case_members", "shoe_size")));
        assertEquals("the reasons catalog has no text for [shoe_size]", e.getMessage());
    }

    @Test
    void flagsNumbersMoneyZeroOneAndMissingReadAsCaseWorkersSayThem() {
        assertEquals("chronically homeless", CATALOG.text("chronic_homeless_status", 1));
        assertEquals("not chronically homeless", CATALOG.text("chronic_homeless_status", 0));
        assertEquals("a household of 6", CATALOG.text("case_members", 6));
        assertEquals("one adult in the household", CATALOG.text("case_adults", 1));
        assertEquals("2 adults in the household", CATALOG.text("case_adults", 2));
        assertEquals("no earned income at entry", CATALOG.text("earned_income", 0));
        assertEquals("earned income of $1,205 a month at entry", CATALOG.text("earned_income", 1205.16));
        assertEquals("aged 34.5 at entry", CATALOG.text("age_at_enrollment", 34.5));
        assertEquals("earned income not recorded", CATALOG.text("earned_income", Double.NaN));
    }

    @Test
    void aCatalogThatIsNotWellFormedIsRefusedNamingTheEntry() {
        assertProblem("c.json: 'tanf' has no 'label'", "{\"tanf\": {\"fact\": \"income\", \"value\": \"{value}\"}}");
        assertProblem(
                "c.json: 'tanf' needs a 'fact' of lower-case words joined by '_', found none",
                "{\"tanf\": {\"label\": \"t\", \"value\": \"{value}\"}}");
        assertProblem(
                "c.json: 'tanf' needs a 'fact' of lower-case words joined by '_', found 'Income!'",
                "{\"tanf\": {\"fact\": \"Income!\", \"label\": \"t\", \"value\": \"{value}\"}}");
        assertProblem(
                "c.json: 'is_hoh' is a flag: it needs both 'yes' and 'no'",
                "{\"is_hoh\": {\"fact\": \"relationship\", \"label\": \"h\", \"yes\": \"y\"}}");
        assertProblem(
                "c.json: 'tanf' needs either 'yes' and 'no' (a flag) or 'value' (a number)",
                "{\"tanf\": {\"fact\": \"income\", \"label\": \"t\"}}");
        assertProblem("c.json is not JSON", "{");
    }

    private static void assertProblem(String expected, String json) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ReasonCatalog.parse(json.getBytes(StandardCharsets.UTF_8), "c.json"));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
