package org.hmis.predictions.common.trees;

import java.util.Locale;
import org.hmis.predictions.common.trees.LightGbmReference.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Rows per second of the engine and of LightGBM's {@code LGBM_BoosterPredictForMat} on the demo model, the same rows
 * in memory on both sides (LightGBM's already copied to native memory, so only its call is timed), the same number of
 * threads. Each figure is the best of several timed runs after warm-up runs. Runs only on request:
 * {@code -Dtest=TreeEnsembleBenchmark -Dbenchmark=true}; it prints to the test's output file.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class TreeEnsembleBenchmark {

    private static final int ROWS = 100_000;
    /** LightGBM computes a few hundred rows' contributions per second: fewer rows, fewer runs. */
    private static final int CONTRIBUTION_ROWS = 500;

    @Test
    void demoModelRowsPerSecond() {
        String model = ModelFiles.demoModelText();
        TreeEnsemble engine = TreeEnsemble.parse(model);
        double[] rows = TestRows.realistic(model, ROWS, 21);
        double[] out = new double[ROWS * engine.numClasses()];
        double[] contributions = new double[CONTRIBUTION_ROWS * engine.contributionsPerRow()];
        double[] oneClass = new double[CONTRIBUTION_ROWS * (engine.numFeatures() + 1)];
        try (LightGbmReference lightGbm = LightGbmReference.load(model);
                LightGbmReference.Matrix normal = lightGbm.new Matrix(rows, ROWS, Output.NORMAL);
                LightGbmReference.Matrix contrib = lightGbm.new Matrix(rows, CONTRIBUTION_ROWS, Output.CONTRIB)) {
            for (int threads = 1; threads <= 2; threads++) {
                int t = threads;
                try (WorkerPool pool = WorkerPool.create(threads)) {
                    double engineRate = rowsPerSecond(ROWS, 3, 5, () -> engine.predict(rows, ROWS, out, pool));
                    double lightGbmRate = rowsPerSecond(ROWS, 3, 5, () -> normal.predict(t));
                    report("predict", threads, engineRate, lightGbmRate);
                    double shapRate = rowsPerSecond(
                            CONTRIBUTION_ROWS,
                            1,
                            3,
                            () -> engine.contributions(rows, CONTRIBUTION_ROWS, contributions, pool));
                    double contribRate = rowsPerSecond(CONTRIBUTION_ROWS, 1, 3, () -> contrib.predict(t));
                    report("contributions", threads, shapRate, contribRate);
                    double classRate = rowsPerSecond(
                            CONTRIBUTION_ROWS,
                            1,
                            3,
                            () -> engine.classContributions(rows, CONTRIBUTION_ROWS, 2, oneClass, pool));
                    report("one class's contributions", threads, classRate, contribRate);
                }
            }
        }
    }

    private static void report(String what, int threads, double engine, double lightGbm) {
        System.out.printf(
                Locale.ROOT,
                "%s, %d thread(s): engine %,.0f rows/s, LightGBM %,.0f rows/s, %.2fx%n",
                what,
                threads,
                engine,
                lightGbm,
                engine / lightGbm);
    }

    private static double rowsPerSecond(int rows, int warmUps, int runs, Runnable run) {
        for (int i = 0; i < warmUps; i++) {
            run.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run.run();
            best = Math.min(best, System.nanoTime() - start);
        }
        return rows / (best / 1e9);
    }
}
