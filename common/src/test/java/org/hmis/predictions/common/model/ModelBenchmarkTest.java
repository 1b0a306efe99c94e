package org.hmis.predictions.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {

    @Test
    void predictsTheSameClassesBothWaysAndCountsEveryRow() {
        TrainingData data = SyntheticTrainingData.generate(3_000, 8);
        ModelArtifact model = new ModelTrainer(new TrainingParameters(10, 0.1, 15, 3, 1, 0.2)).train("m", "v1", data);

        // measure() itself fails if the predictor and the single LightGBM call disagree on any row's class.
        ModelBenchmark.Figures figures = ModelBenchmark.measure(model, 25_000, 4_000, 1, 9);

        assertEquals(25_000, figures.rows());
        assertEquals(6, figures.numFeatures());
        assertEquals(
                25_000,
                figures.predictedClassCounts().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        assertEquals(25_000L * (6 + 5) * Double.BYTES, figures.lightGbmNativeBytes());
        assertTrue(figures.predictorPeakHeapBytes() > 0);
        assertTrue(
                figures.summary().contains("25,000 rows x 6 features in batches of 4,000, 1 thread(s)"),
                figures.summary());
    }
}
