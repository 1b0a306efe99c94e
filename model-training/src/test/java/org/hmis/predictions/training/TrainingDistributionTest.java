package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.drift.DriftCounts;
import org.hmis.predictions.common.drift.DriftSample;
import org.hmis.predictions.common.drift.FeatureDistribution;
import org.junit.jupiter.api.Test;

class TrainingDistributionTest {
    private static final double NAN = Double.NaN;

    @Test
    void numbersAreBinnedAtTheirDecilesFlagsByTheirSharesMissingApart() {
        // 20 rows: "count" is 1..10 twice (deciles 1..9 at ranks 2, 4 ... 18); "flag" 0/1 with 4 missing;
        // "constant" always 3 (no edge); "income" mostly 0, so its low deciles merge.
        int rows = 20;
        double[] matrix = new double[rows * 4];
        for (int row = 0; row < rows; row++) {
            matrix[row * 4] = 1 + row % 10;
            matrix[row * 4 + 1] = row < 4 ? NAN : (row % 4 == 0 ? 1 : 0);
            matrix[row * 4 + 2] = 3;
            matrix[row * 4 + 3] = row < 15 ? 0 : 100 * row;
        }
        DriftBaseline baseline = TrainingDistribution.of(List.of("count", "flag", "constant", "income"), matrix, rows);
        assertEquals(20, baseline.rows());

        FeatureDistribution count = baseline.features().get(0);
        assertEquals(FeatureDistribution.Kind.NUMBER, count.kind());
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0), count.edges());
        assertEquals(List.of(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), count.shares());
        assertEquals(0.0, count.missing());

        FeatureDistribution flag = baseline.features().get(1);
        assertEquals(FeatureDistribution.Kind.FLAG, flag.kind());
        assertEquals(List.of(0.0), flag.edges());
        // Rows 4..19: 1 at 4, 8, 12, 16 (4 rows), 0 at the other 12; rows 0..3 missing.
        assertEquals(List.of(12 / 20.0, 4 / 20.0), flag.shares());
        assertEquals(4 / 20.0, flag.missing());

        FeatureDistribution constant = baseline.features().get(2);
        assertEquals(List.of(), constant.edges());
        assertEquals(List.of(1.0), constant.shares());

        FeatureDistribution income = baseline.features().get(3);
        // 15 zeros then 1500..1900: deciles 0 (x7), 1500, 1700; 1900 is the largest, so no edge there.
        assertEquals(List.of(0.0, 1500.0, 1700.0), income.edges());
        assertEquals(List.of(0.75, 0.05, 0.1, 0.1), income.shares());
    }

    @Test
    void theTrainingRowsThemselvesShowNoDrift() {
        int rows = 50;
        double[] matrix = new double[rows * 2];
        for (int row = 0; row < rows; row++) {
            matrix[row * 2] = row % 7 == 0 ? NAN : row * 1.5;
            matrix[row * 2 + 1] = row % 3 == 0 ? 1 : 0;
        }
        DriftBaseline baseline = TrainingDistribution.of(List.of("x", "y"), matrix, rows);
        DriftCounts counts = new DriftCounts(baseline);
        for (int row = 0; row < rows; row++) {
            counts.add(new double[] {matrix[row * 2], matrix[row * 2 + 1]});
        }
        DriftSample sample = counts.sample(rows);
        for (FeatureDistribution feature : baseline.features()) {
            double[] shares = feature.categoryShares();
            double[] counted = sample.counts(feature.feature());
            for (int c = 0; c < shares.length; c++) {
                assertEquals(shares[c] * rows, counted[c], 1e-9, feature.feature() + " category " + c);
            }
        }
    }
}
