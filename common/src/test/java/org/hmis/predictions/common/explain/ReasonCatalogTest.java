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
    void aMissingEntryIsNamed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CATALOG.requireCovers(List.of("case_members", "shoe_size")));
        assertEquals("the reasons catalog has no text for [shoe_size]", e.getMessage());
    }

    @Test
    void flagsNumbersMoneyZeroOneAndMissingReadAsCaseWorkersSayThem() {
        assertEquals("chronically homeless", CATALOG.text("chronic_homeless_status", 1));
        assertEquals("not chronically homeless", CATALOG.text("chronic_homeless_status", 0));
        assertEquals("household of 6", CATALOG.text("case_members", 6));
        assertEquals("one adult in the household", CATALOG.text("case_adults", 1));
        assertEquals("2 adults in the household", CATALOG.text("case_adults", 2));
        assertEquals("no earned income at entry", CATALOG.text("earned_income", 0));
        assertEquals("earned income of $1,205 a month at entry", CATALOG.text("earned_income", 1205.16));
        assertEquals("aged 34.5 at entry", CATALOG.text("age_at_enrollment", 34.5));
        assertEquals("earned income not recorded", CATALOG.text("earned_income", Double.NaN));
    }

    @Test
    void aCatalogThatIsNotWellFormedIsRefusedNamingTheEntry() {
        assertProblem("c.json: 'tanf' has no 'label'", "{\"tanf\": {\"value\": \"{value}\"}}");
        assertProblem(
                "c.json: 'is_hoh' is a flag: it needs both 'yes' and 'no'",
                "{\"is_hoh\": {\"label\": \"h\", \"yes\": \"y\"}}");
        assertProblem(
                "c.json: 'tanf' needs either 'yes' and 'no' (a flag) or 'value' (a number)",
                "{\"tanf\": {\"label\": \"t\"}}");
        assertProblem("c.json is not JSON", "{");
    }

    private static void assertProblem(String expected, String json) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ReasonCatalog.parse(json.getBytes(StandardCharsets.UTF_8), "c.json"));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
