package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.junit.jupiter.api.Test;

/** Figures on a crafted held-out set whose answers are worked out by hand below. */
class HeldOutAnalysisTest {
    private static final int ES = 0;
    private static final int PERM = 2;
    private static final int TEMP = 3;
    private static final double TOLERANCE = 1e-9;

    /** Probabilities es, other, perm, temp, unknown: perm at 0.7, es at 0.6, temp at 0.5. */
    private static final double[] SAYS_PERM = {0.05, 0.05, 0.7, 0.1, 0.1};

    private static final double[] SAYS_ES = {0.6, 0.1, 0.1, 0.1, 0.1};
    private static final double[] SAYS_TEMP = {0.1, 0.1, 0.2, 0.5, 0.1};

    private final List<Integer> actual = new ArrayList<>();
    private final List<double[]> probabilities = new ArrayList<>();
    private final List<String> gender = new ArrayList<>();
    private final List<String> age = new ArrayList<>();

    private void add(int rows, int actualClass, double[] probability, String genderGroup, String ageGroup) {
        for (int i = 0; i < rows; i++) {
            actual.add(actualClass);
            probabilities.add(probability);
            gender.add(genderGroup);
            age.add(ageGroup);
        }
    }

    /**
     * Group A (40 rows): 20 perm said perm, 10 es said perm, 10 es said es. Group B (30): 15 temp said temp, 15 perm
     * said perm. Group C (5): es said es, too small. Age: 25-34 for A and B, missing for C.
     */
    private HeldOutAnalysis crafted() {
        add(20, PERM, SAYS_PERM, "A", "25-34");
        add(10, ES, SAYS_PERM, "A", "25-34");
        add(10, ES, SAYS_ES, "A", "25-34");
        add(15, TEMP, SAYS_TEMP, "B", "25-34");
        add(15, PERM, SAYS_PERM, "B", "25-34");
        add(5, ES, SAYS_ES, "C", GroupAttributes.MISSING);
        int[] labels = actual.stream().mapToInt(Integer::intValue).toArray();
        double[] flat = probabilities.stream().flatMapToDouble(Arrays::stream).toArray();
        Map<String, String[]> attributes = new LinkedHashMap<>();
        attributes.put("gender", gender.toArray(String[]::new));
        attributes.put("age_band_at_entry", age.toArray(String[]::new));
        return new HeldOutAnalysis(ExitDestinationClasses.LABELS, labels, flat, new GroupAttributes(attributes));
    }

    @Test
    void scoresEachGroupAsWorkedOutByHand() {
        GroupMetrics metrics = crafted().byGroup();
        assertEquals(30, metrics.minGroupRows());
        assertEquals(10, metrics.calibrationBins());
        GroupMetrics.AttributeMetrics gender = metrics.attributes().get("gender");
        assertEquals(List.of("A", "B", "C"), List.copyOf(gender.groups().keySet()), "largest group first");

        GroupMetrics.Scores a = gender.groups().get("A");
        assertEquals(40, a.rows());
        assertFalse(a.tooSmall());
        assertEquals(0.75, a.accuracy(), TOLERANCE); // 30 of 40
        assertEquals(0.5, a.recall().get("es"), TOLERANCE); // 10 of 20 es
        assertEquals(1.0, a.recall().get("perm"), TOLERANCE);
        assertNull(a.recall().get("temp"), "no temp row in A: no recall");
        assertTrue(a.recall().containsKey("temp"));
        // F1 perm = 2*20 / (20 + 30) = 0.8, es = 2*10 / (20 + 10) = 2/3, the other three 0.
        assertEquals((0.8 + 2.0 / 3) / 5, a.macroF1(), TOLERANCE);
        assertEquals(0.75, a.sharePredictedPerm(), TOLERANCE); // 30 of 40
        // Brier per row: perm said perm 0.115, es said perm 1.415, es said es 0.2.
        assertEquals((20 * 0.115 + 10 * 1.415 + 10 * 0.2) / 40, a.brier(), TOLERANCE);
        // Bin 0.7: 30 rows right 2/3 of the time, |2/3 - 0.7| x 30/40; bin 0.6: 10 rows all right, 0.4 x 10/40.
        assertEquals(0.025 + 0.1, a.expectedCalibrationError(), TOLERANCE);

        GroupMetrics.Scores b = gender.groups().get("B");
        assertEquals(30, b.rows());
        assertEquals(1.0, b.accuracy(), TOLERANCE);
        assertEquals(0.4, b.macroF1(), TOLERANCE); // perm and temp F1 1, three classes 0
        assertEquals(0.5, b.sharePredictedPerm(), TOLERANCE);
        assertEquals((15 * 0.32 + 15 * 0.115) / 30, b.brier(), TOLERANCE);
        assertEquals(0.5 * 0.5 + 0.3 * 0.5, b.expectedCalibrationError(), TOLERANCE);
    }

    @Test
    void groupsUnderThirtyRowsAreWithheldAndLeftOutOfTheDisparity() {
        GroupMetrics metrics = crafted().byGroup();
        GroupMetrics.AttributeMetrics gender = metrics.attributes().get("gender");
        GroupMetrics.Scores c = gender.groups().get("C");
        assertEquals(5, c.rows());
        assertTrue(c.tooSmall());
        assertNull(c.accuracy());
        assertNull(c.macroF1());
        assertNull(c.recall());
        assertNull(c.sharePredictedPerm());
        assertNull(c.brier());
        assertNull(c.expectedCalibrationError());
        String json = metrics.toJson().toString();
        assertTrue(json.contains("\"C\":{\"rows\":5,\"too_small\":true}"), json);

        // C's accuracy is 1.0, above both: it is not the highest, because it is not reported.
        GroupMetrics.Gap accuracy = gender.disparity().accuracy();
        assertEquals("B", accuracy.highestGroup());
        assertEquals("A", accuracy.lowestGroup());
        assertEquals(0.25, accuracy.gap(), TOLERANCE);
        assertEquals(0.75, accuracy.ratio(), TOLERANCE);
        GroupMetrics.Gap perm = gender.disparity().sharePredictedPerm();
        assertEquals("A", perm.highestGroup());
        assertEquals(0.75, perm.highest(), TOLERANCE);
        assertEquals("B", perm.lowestGroup());
        assertEquals(0.25, perm.gap(), TOLERANCE);
        assertEquals(0.5 / 0.75, perm.ratio(), TOLERANCE);

        GroupMetrics.AttributeMetrics ageBand = metrics.attributes().get("age_band_at_entry");
        assertEquals(
                List.of("25-34", GroupAttributes.MISSING),
                List.copyOf(ageBand.groups().keySet()));
        assertNull(ageBand.disparity(), "one group with figures: nothing to compare");
    }

    @Test
    void overallCountsEveryRowIncludingSmallGroups() {
        GroupMetrics.Scores overall = crafted().byGroup().overall();
        assertEquals(75, overall.rows());
        assertEquals(65.0 / 75, overall.accuracy(), TOLERANCE);
        assertEquals(45.0 / 75, overall.sharePredictedPerm(), TOLERANCE);
        assertEquals(15.0 / 25, overall.recall().get("es"), TOLERANCE);
        assertEquals(1.0, overall.recall().get("temp"), TOLERANCE);
        assertNull(overall.recall().get("other"));
        assertEquals((35 * 0.115 + 10 * 1.415 + 15 * 0.2 + 15 * 0.32) / 75, overall.brier(), TOLERANCE);
    }

    @Test
    void calibrationCurvesBinEachClassesProbability() {
        CalibrationCurves curves = crafted().calibration();
        assertEquals(10, curves.bins());
        assertEquals(ExitDestinationClasses.LABELS, List.copyOf(curves.classes().keySet()));
        // p(perm): 0.7 for 45 rows of which 35 perm; 0.1 for the 15 said es; 0.2 for the 15 said temp.
        List<CalibrationCurves.Point> perm = curves.classes().get("perm");
        assertEquals(3, perm.size());
        assertEquals(new CalibrationCurves.Point(1, 0.1, 0.0, 15), perm.get(0));
        assertEquals(2, perm.get(1).bin());
        assertEquals(0.0, perm.get(1).observed(), TOLERANCE);
        assertEquals(7, perm.get(2).bin());
        assertEquals(0.7, perm.get(2).meanPredicted(), TOLERANCE);
        assertEquals(35.0 / 45, perm.get(2).observed(), TOLERANCE);
        assertEquals(45, perm.get(2).rows());
        // p(es): 0.05 for 45 rows (10 es), 0.6 for 15 (all es), 0.1 for 15 (none).
        List<CalibrationCurves.Point> es = curves.classes().get("es");
        assertEquals(
                List.of(0, 1, 6), es.stream().map(CalibrationCurves.Point::bin).toList());
        assertEquals(10.0 / 45, es.get(0).observed(), TOLERANCE);
        assertEquals(1.0, es.get(2).observed(), TOLERANCE);
    }

    @Test
    void aTieGoesToTheLowerClassAsPredictingDecides() {
        Map<String, String[]> attributes = new LinkedHashMap<>();
        attributes.put("gender", new String[] {"A"});
        HeldOutAnalysis tie = new HeldOutAnalysis(
                ExitDestinationClasses.LABELS,
                new int[] {ES},
                new double[] {0.4, 0.1, 0.4, 0.05, 0.05},
                new GroupAttributes(attributes));
        GroupMetrics.Scores overall = tie.byGroup().overall();
        assertEquals(1.0, overall.accuracy(), TOLERANCE);
        assertEquals(0.0, overall.sharePredictedPerm(), TOLERANCE);
    }

    @Test
    void survivesTheManifestsJson() {
        GroupMetrics metrics = crafted().byGroup();
        CalibrationCurves curves = crafted().calibration();
        com.fasterxml.jackson.databind.node.ObjectNode json =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        json.set(GroupMetrics.KEY, metrics.toJson());
        json.set(CalibrationCurves.KEY, curves.toJson());
        org.hmis.predictions.common.model.ModelManifest manifest = new org.hmis.predictions.common.model.ModelManifest(
                "m",
                "v1",
                List.of("f"),
                ExitDestinationClasses.LABELS,
                java.time.Instant.parse("2026-11-23T00:00:00Z"),
                1,
                75,
                json,
                Map.of());
        org.hmis.predictions.common.model.ModelManifest read =
                org.hmis.predictions.common.model.ModelManifest.fromJson(manifest.toJson());
        assertEquals(metrics, GroupMetrics.of(read).orElseThrow());
        assertEquals(curves, CalibrationCurves.of(read).orElseThrow());
    }
}
