package org.hmis.predictions.common.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.hmis.predictions.common.features.FeatureSpec;
import org.junit.jupiter.api.Test;

class ReasonsTest {
    private static final FeatureSpec V3 = FeatureSpec.V3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int at(FeatureSpec spec, String feature) {
        int index = spec.featureNames().indexOf(feature);
        assertTrue(index >= 0, feature);
        return index;
    }

    /** The reasons of one row placed after a first row, as in a batch; the last contribution is the expected value. */
    private static JsonNode reasonsOf(FeatureSpec spec, double[] values, double[] contributions, double logOdds)
            throws Exception {
        StringBuilder out = new StringBuilder();
        double[] paddedValues = new double[values.length * 2];
        double[] paddedContributions = new double[contributions.length * 2];
        System.arraycopy(values, 0, paddedValues, values.length, values.length);
        System.arraycopy(contributions, 0, paddedContributions, contributions.length, contributions.length);
        new Reasons(spec.features(), ReasonCatalog.bundled())
                .appendJson(paddedValues, values.length, paddedContributions, contributions.length, logOdds, out);
        return JSON.readTree(out.toString());
    }

    private static double sum(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum;
    }

    @Test
    void aFactIsOneReasonWhoseContributionIsItsFeaturesSumAndWhoseTextIsItsStrongestFeatures() throws Exception {
        int n = V3.size();
        double[] values = new double[n];
        double[] c = new double[n + 1];
        values[at(V3, "household_members")] = 5;
        values[at(V3, "household_children")] = 3;
        c[at(V3, "household_members")] = 0.2;
        c[at(V3, "household_children")] = 0.3;
        c[at(V3, "household_adults")] = -0.05;
        c[at(V3, "adults_earned_income")] = 0.6;
        c[at(V3, "adults_other_income")] = -0.1;
        c[at(V3, "chronically_homeless")] = -0.4;
        values[at(V3, "chronically_homeless")] = 0;
        c[at(V3, "anyone_insured")] = 0.09;
        c[n] = -1.0;
        double logOdds = sum(c);

        JsonNode json = reasonsOf(V3, values, c, logOdds);

        assertEquals(
                List.of("income", "household_composition"), json.get("raises").findValuesAsText("fact"));
        JsonNode income = json.get("raises").get(0);
        assertEquals(0.5, income.get("contribution").asDouble(), 1e-15);
        assertEquals(
                List.of("adults_earned_income", "adults_other_income"),
                JSON.convertValue(income.get("features"), List.class));
        assertEquals(
                "no adult in the household has earned income",
                income.get("text").asText());
        JsonNode household = json.get("raises").get(1);
        assertEquals(0.45, household.get("contribution").asDouble(), 1e-15);
        assertEquals("3 children in the household", household.get("text").asText());
        assertEquals(List.of("chronic_homelessness"), json.get("lowers").findValuesAsText("fact"));
        assertEquals(
                "the household is not chronically homeless",
                json.get("lowers").get(0).get("text").asText());
        assertEquals(0.09, json.get("rest").asDouble(), 1e-15, "insurance is under the floor");
        assertEquals(-1.0, json.get("expected").asDouble());
        assertEquals(logOdds, json.get("log_odds").asDouble());
    }

    @Test
    void identityFeaturesAreNeverReasonsAndWhatTheyContributeIsInTheRest() throws Exception {
        for (FeatureSpec spec : List.of(FeatureSpec.V1, FeatureSpec.V2)) {
            int n = spec.size();
            double[] c = new double[n + 1];
            double identity = 0;
            for (int f = 0; f < n; f++) {
                if (!spec.features().get(f).mayBeReason()) {
                    c[f] = f % 2 == 0 ? 2.0 : -2.0;
                    identity += c[f];
                }
            }
            c[at(spec, "earned_income")] = 0.7;

            JsonNode json = reasonsOf(spec, new double[n], c, sum(c));

            assertEquals(List.of("income"), json.get("raises").findValuesAsText("fact"), spec.version());
            assertEquals(0, json.get("lowers").size(), spec.version() + ": " + json);
            assertEquals(identity, json.get("rest").asDouble(), 1e-12, spec.version());
        }
    }

    @Test
    void onEveryRowTheReasonsAddUpToTheLogOddsAndKeepTheirLimits() throws Exception {
        Random random = new Random(3);
        for (FeatureSpec spec :
                FeatureSpec.versions().stream().map(FeatureSpec::forVersion).toList()) {
            Reasons reasons = new Reasons(spec.features(), ReasonCatalog.bundled());
            Set<String> identity = new HashSet<>();
            spec.features().stream().filter(f -> !f.mayBeReason()).forEach(f -> identity.add(f.name()));
            for (int row = 0; row < 500; row++) {
                int n = spec.size();
                double[] values = new double[n];
                double[] c = new double[n + 1];
                for (int f = 0; f <= n; f++) {
                    c[f] = random.nextDouble() < 0.3 ? 0 : random.nextGaussian() * 0.3;
                    values[f % n] = random.nextInt(4);
                }
                double logOdds = sum(c);
                StringBuilder out = new StringBuilder();
                reasons.appendJson(values, 0, c, 0, logOdds, out);
                JsonNode json = JSON.readTree(out.toString());
                double total =
                        json.get("expected").asDouble() + json.get("rest").asDouble();
                List<String> facts = new ArrayList<>();
                for (Reasons.Direction direction : Reasons.Direction.values()) {
                    for (JsonNode reason : json.get(direction.key())) {
                        double contribution = reason.get("contribution").asDouble();
                        total += contribution;
                        assertEquals(direction, Reasons.Direction.of(contribution), out.toString());
                        assertTrue(Math.abs(contribution) >= Reasons.MIN_STRENGTH, out.toString());
                        facts.add(reason.get("fact").asText());
                        reason.get("features").forEach(f -> assertFalse(identity.contains(f.asText()), f.asText()));
                    }
                }
                assertEquals(logOdds, total, 1e-9, out.toString());
                assertEquals(facts.size(), new HashSet<>(facts).size(), "one fact, one reason: " + out);
                assertTrue(json.get("raises").size() <= Reasons.MAX_RAISES);
                assertTrue(json.get("lowers").size() <= Reasons.MAX_LOWERS);
            }
        }
    }

    @Test
    void equalFactsGoToTheOneStandingFirstAndAHouseholdWithoutStrongReasonsHasNone() throws Exception {
        int n = V3.size();
        double[] c = new double[n + 1];
        c[at(V3, "adult_disabling_condition")] = -0.3;
        c[at(V3, "adults_barriers")] = -0.3;
        c[at(V3, "non_cash_benefits")] = -0.3;
        JsonNode json = reasonsOf(V3, new double[n], c, sum(c));
        assertEquals(List.of("disability", "barriers"), json.get("lowers").findValuesAsText("fact"));
        assertEquals(-0.3, json.get("rest").asDouble(), 1e-15);

        double[] weak = new double[n + 1];
        weak[0] = 0.099;
        weak[1] = -0.099;
        JsonNode none = reasonsOf(V3, new double[n], weak, sum(weak));
        assertEquals(0, none.get("raises").size());
        assertEquals(0, none.get("lowers").size());
    }

    @Test
    void directionsReadAsCaseWorkersSayThem() {
        assertEquals("raises the risk", Reasons.Direction.of(0.2).phrase());
        assertEquals("lowers the risk", Reasons.Direction.of(-0.2).phrase());
        assertEquals("raises", Reasons.Direction.RAISES.key());
        assertThrows(IllegalArgumentException.class, () -> Reasons.Direction.of(0));
    }
}
