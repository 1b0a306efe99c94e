package org.hmis.predictions.training;

import java.util.List;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.model.ModelManifest;

/**
 * Labelled rows to train on: a row-major feature matrix, each row's class index, the household it belongs to and the
 * groups (race, age band, ...) the model is measured across. The arrays are used as given, not copied.
 */
public final class TrainingData {

    private final List<String> featureNames;
    private final double[] rowMajor;
    private final int[] labels;
    private final long[] groupIds;
    private final GroupAttributes attributes;

    /**
     * @param featureNames feature names in column order
     * @param rowMajor {@code labels.length x featureNames.size()} values, row after row; {@code NaN} for missing
     * @param labels class index of each row, 0 to {@code ExitDestinationClasses.LABELS.size() - 1}
     * @param groupIds household ({@code case_id}) of each row: rows of one household are never split apart
     * @param attributes the groups of each row that held-out metrics are reported for
     */
    public TrainingData(
            List<String> featureNames, double[] rowMajor, int[] labels, long[] groupIds, GroupAttributes attributes) {
        this.featureNames = ModelManifest.checkFeatureNames(featureNames);
        if (labels.length == 0) {
            throw new IllegalArgumentException("no rows to train on");
        }
        long expected = (long) labels.length * this.featureNames.size();
        if (rowMajor.length != expected) {
            throw new IllegalArgumentException("the matrix holds " + rowMajor.length + " values, but " + labels.length
                    + " rows x " + this.featureNames.size() + " features make " + expected);
        }
        if (groupIds.length != labels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + groupIds.length + " group ids");
        }
        if (attributes.rows() != labels.length) {
            throw new IllegalArgumentException(
                    labels.length + " labels but " + attributes.rows() + " rows of attributes");
        }
        int classes = ExitDestinationClasses.LABELS.size();
        for (int row = 0; row < labels.length; row++) {
            if (labels[row] < 0 || labels[row] >= classes) {
                throw new IllegalArgumentException(
                        "label of row " + row + " is " + labels[row] + ", outside 0.." + (classes - 1));
            }
        }
        this.rowMajor = rowMajor;
        this.labels = labels;
        this.groupIds = groupIds;
        this.attributes = attributes;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public int rows() {
        return labels.length;
    }

    public int numFeatures() {
        return featureNames.size();
    }

    long[] groupIds() {
        return groupIds;
    }

    public GroupAttributes attributes() {
        return attributes;
    }

    /** The households of the given rows. */
    long[] groupIdsOf(int[] rows) {
        long[] selected = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = groupIds[rows[i]];
        }
        return selected;
    }

    /** The feature values of the given rows, row-major. */
    double[] features(int[] rows) {
        int width = numFeatures();
        double[] selected = new double[Math.multiplyExact(rows.length, width)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rowMajor, rows[i] * width, selected, i * width, width);
        }
        return selected;
    }

    /** The labels of the given rows. */
    int[] labels(int[] rows) {
        int[] selected = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = labels[rows[i]];
        }
        return selected;
    }
}
