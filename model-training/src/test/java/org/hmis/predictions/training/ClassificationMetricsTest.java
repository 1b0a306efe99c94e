package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    private static final List<String> LABELS = ExitDestinationClasses.LABELS;

    @Test
    void scoresAHandCheckedExample() {
        int[] actual = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3};
        int[] predicted = {0, 0, 1, 1, 1, 2, 2, 0, 2, 4};
        ClassificationMetrics metrics = ClassificationMetrics.evaluate(LABELS, actual, predicted, 2);

        assertEquals(0.7, metrics.accuracy(), 1e-12);
        assertEquals(2.0 / 3, metrics.perClassF1().get("es"), 1e-12);
        assertEquals(0.8, metrics.perClassF1().get("other"), 1e-12);
        assertEquals(6.0 / 7, metrics.perClassF1().get("perm"), 1e-12);
        assertEquals(0.0, metrics.perClassF1().get("temp"), 1e-12);
        // Never actual, predicted once: no true positive, so 0.
        assertEquals(0.0, metrics.perClassF1().get("unknown"), 1e-12);
        assertEquals((2.0 / 3 + 0.8 + 6.0 / 7) / 5, metrics.macroF1(), 1e-12);
        assertEquals(
                List.of(
                        List.of(2L, 1L, 0L, 0L, 0L),
                        List.of(0L, 2L, 0L, 0L, 0L),
                        List.of(1L, 0L, 3L, 0L, 0L),
                        List.of(0L, 0L, 0L, 0L, 1L),
                        List.of(0L, 0L, 0L, 0L, 0L)),
                metrics.confusionMatrix());
        assertEquals("perm", metrics.majorityClass());
        assertEquals(0.4, metrics.majorityBaselineAccuracy(), 1e-12);
        assertEquals(10, metrics.evaluatedRows());
    }

    @Test
    void namesTheRowWithAClassOutOfRange() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ClassificationMetrics.evaluate(LABELS, new int[] {0, 5}, new int[] {0, 0}, 0));
        assertEquals("actual class of row 1 is 5, outside 0..4", e.getMessage());
    }

    @Test
    void readsTheMetricsOfAManifestAndRefusesOnesThatDoNotCountItsTestRows() {
        ClassificationMetrics metrics =
                ClassificationMetrics.evaluate(LABELS, new int[] {0, 1, 2, 3, 4, 4}, new int[] {0, 1, 2, 3, 4, 0}, 4);
        assertEquals(metrics, ClassificationMetrics.of(manifest(metrics, 6)));
        InvalidModelException e =
                assertThrows(InvalidModelException.class, () -> ClassificationMetrics.of(manifest(metrics, 7)));
        assertEquals("model.json: 'metrics.confusion_matrix' counts 6 rows but 'test_rows' is 7", e.getMessage());
    }

    private static ModelManifest manifest(ClassificationMetrics metrics, long testRows) {
        return new ModelManifest(
                "exit-destination",
                "v1",
                List.of("case_members"),
                LABELS,
                Instant.parse("2026-11-23T10:15:00Z"),
                24,
                testRows,
                metrics.toJson(),
                Map.of("objective", "multiclass"));
    }
}
