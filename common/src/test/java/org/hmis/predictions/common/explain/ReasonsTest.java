package org.hmis.predictions.common.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReasonsTest {
    private static final List<String> FEATURES =
            List.of("case_members", "earned_income", "chronic_homeless_status", "is_hoh", "tanf", "case_children");
    private final Reasons reasons = new Reasons(FEATURES, ReasonCatalog.bundled());

    private JsonNode reasonsOf(double[] values, double[] contributions) throws Exception {
        StringBuilder out = new StringBuilder();
        // Offsets: the row sits after a first row, as in a batch.
        double[] paddedValues = new double[values.length * 2];
        double[] paddedContributions = new double[contributions.length * 2];
        System.arraycopy(values, 0, paddedValues, values.length, values.length);
        System.arraycopy(contributions, 0, paddedContributions, contributions.length, contributions.length);
        reasons.appendJson(paddedValues, values.length, paddedContributions, contributions.length, out);
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void theThreeStrongestPushesDownAndTheStrongestPushUpAreTheReasons() throws Exception {
        JsonNode json =
                reasonsOf(new double[] {6, 0, 1, 1, Double.NaN, 4}, new double[] {-0.2, -0.5, -0.1, 0.3, -0.4, 0.05});
        assertEquals(
                List.of("earned_income", "tanf", "case_members"),
                json.get("down").findValuesAsText("feature"));
        assertEquals(
                List.of("no earned income at entry", "TANF not recorded", "household of 6"),
                json.get("down").findValuesAsText("text"));
        assertEquals(-0.5, json.get("down").get(0).get("contribution").asDouble());
        assertEquals(0.0, json.get("down").get(0).get("value").asDouble());
        assertEquals(true, json.get("down").get(1).get("value").isNull());
        assertEquals(List.of("is_hoh"), json.get("up").findValuesAsText("feature"));
        assertEquals("head of household", json.get("up").get(0).get("text").asText());
    }

    @Test
    void featuresThatContributeNothingAreNeverReasonsAndTiesGoToTheFirstFeature() throws Exception {
        JsonNode json = reasonsOf(new double[] {2, 100, 0, 0, 0, 0}, new double[] {-0.1, 0, 0, 0, -0.1, 0});
        assertEquals(List.of("case_members", "tanf"), json.get("down").findValuesAsText("feature"));
        assertEquals(0, json.get("up").size());
    }
}
