package org.hmis.predictions.training;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.hmis.predictions.common.csv.WrangledCsv;

/**
 * The features of a wrangled part as one row-major matrix in memory, as a user of LightGBM with every row at hand
 * would hold them: what the engine and LightGBM are compared and timed on.
 *
 * @param rowMajor {@code rows x numFeatures} values, row after row; NaN for a missing value
 */
@SuppressWarnings("ArrayRecordComponent") // a matrix read once and handed to predictors, never compared
public record FeatureMatrix(double[] rowMajor, int rows, int numFeatures) {

    /**
     * Reads a wrangled part.
     *
     * @param features the part's features, as its header must list them
     */
    public static FeatureMatrix readWrangled(InputStream wrangled, String source, List<String> features)
            throws IOException {
        int numFeatures = features.size();
        double[] values = new double[numFeatures * 1024];
        int rows = 0;
        try (WrangledCsv.RowReader reader = WrangledCsv.reader(wrangled, source, features)) {
            while (reader.next()) {
                if ((long) (rows + 1) * numFeatures > values.length) {
                    values = Arrays.copyOf(values, Math.multiplyExact(values.length, 2));
                }
                System.arraycopy(reader.features(), 0, values, rows * numFeatures, numFeatures);
                rows++;
            }
        }
        return new FeatureMatrix(values, rows, numFeatures);
    }
}
