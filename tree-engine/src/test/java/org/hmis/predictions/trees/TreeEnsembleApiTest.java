package org.hmis.predictions.trees;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The calls' contracts: sizes checked, ties resolved, and calls from many threads at once independent. */
class TreeEnsembleApiTest {

    private static final String MODEL = ModelFiles.demoModelText();
    private static final TreeEnsemble ENGINE = TreeEnsemble.parse(MODEL);

    @Test
    void arraysTooSmallAreRefusedBeforeAnyWork() {
        double[] rows = new double[2 * ENGINE.numFeatures()];
        assertThrows(IllegalArgumentException.class, () -> ENGINE.predict(rows, 3, new double[15]));
        assertThrows(IllegalArgumentException.class, () -> ENGINE.predict(rows, 2, new double[9]));
        assertThrows(IllegalArgumentException.class, () -> ENGINE.predictRaw(rows, -1, new double[10]));
        assertThrows(IllegalArgumentException.class, () -> ENGINE.contributions(rows, 2, new double[10]));
        assertThrows(IllegalArgumentException.class, () -> ENGINE.classContributions(rows, 2, 5, new double[100]));
        assertThrows(IllegalArgumentException.class, () -> WorkerPool.create(0));
    }

    @Test
    void noRowsIsNothingToDo() {
        double[] out = new double[0];
        ENGINE.predict(new double[0], 0, out);
        ENGINE.contributions(new double[0], 0, out);
        assertEquals(0, out.length);
    }

    @Test
    void aTieGoesToTheLowerClass() {
        assertEquals(1, ENGINE.mostLikelyClass(new double[] {0.1, 0.3, 0.3, 0.2, 0.1}, 0));
        assertEquals(4, ENGINE.mostLikelyClass(new double[] {0, 0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.6}, 1));
    }

    @Test
    void callsFromManyThreadsAtOnceGiveWhatOneCallGives() throws InterruptedException, ExecutionException {
        int count = 5_000;
        double[] rows = TestRows.adversarial(MODEL, count, 41, 0.3);
        double[] expected = new double[count * ENGINE.numClasses()];
        ENGINE.predict(rows, count, expected);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (WorkerPool shared = WorkerPool.create(2)) {
            List<Future<double[]>> results = new ArrayList<>();
            for (int call = 0; call < 8; call++) {
                boolean pooled = call % 2 == 0;
                results.add(callers.submit(() -> {
                    double[] out = new double[expected.length];
                    if (pooled) {
                        ENGINE.predict(rows, count, out, shared);
                    } else {
                        ENGINE.predict(rows, count, out);
                    }
                    return out;
                }));
            }
            for (Future<double[]> result : results) {
                assertArrayEquals(expected, result.get());
            }
        } finally {
            callers.shutdown();
        }
    }
}
