package org.hmis.predictions.training;

import static tech.tablesaw.aggregate.AggregateFunctions.count;
import static tech.tablesaw.aggregate.AggregateFunctions.mean;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.table.TableSlice;
import tech.tablesaw.table.TableSliceGroup;

/**
 * The held-out rows as a Tablesaw table (actual class, most likely class, each class's probability, the groups of
 * each attribute), and the figures computed on it overall, per group and per probability bin.
 *
 * <p>Definitions, for a set of rows:
 *
 * <ul>
 *   <li>accuracy: the share of rows whose most likely class (a tie goes to the lower class index, as predicting
 *       does) is the actual class;
 *   <li>recall of a class: the share of the rows of that class predicted as it (none when the set has no such row);
 *   <li>macro F1: the unweighted mean of the classes' F1 = 2TP / (2TP + FP + FN), 0 for a class neither present nor
 *       predicted, as in the overall metrics;
 *   <li>share predicted {@code perm}: the share of rows whose most likely class is {@code perm};
 *   <li>Brier score (multiclass, Brier's own): the mean over rows of sum over classes of (p_class - 1[actual =
 *       class])^2, from 0 (certain and right) to 2 (certain and wrong);
 *   <li>expected calibration error (top-label): rows binned by the probability of their most likely class into
 *       {@link #CALIBRATION_BINS} equal-width bins ([0, 0.1), [0.1, 0.2) ... [0.9, 1]); the sum over bins of (rows in
 *       bin / rows) x |accuracy in bin - mean probability in bin|;
 *   <li>groups with fewer than {@link #MIN_GROUP_ROWS} rows are reported as too small, with no figures, and take no
 *       part in the disparity, which compares the highest and lowest accuracy and share predicted {@code perm} among
 *       the groups with figures (gap = highest - lowest, ratio = lowest / highest).
 * </ul>
 */
final class HeldOutAnalysis {
    /** Groups with fewer held-out rows than this are too small to report figures for. */
    static final int MIN_GROUP_ROWS = 30;
    /** Equal-width bins of probability for the calibration error and curves. */
    static final int CALIBRATION_BINS = 10;

    private static final String ACTUAL = "actual";
    private static final String PREDICTED = "predicted";
    private static final String CONFIDENCE = "confidence";
    private static final String CORRECT = "correct";
    private static final String BIN = "bin";
    private static final String OBSERVED = "observed";
    private static final String PERM = "perm";

    private final List<String> classes;
    private final List<String> attributes;
    private final Table table;

    /**
     * @param classLabels the labels of class indexes 0..n-1
     * @param actual each row's actual class index
     * @param probabilities {@code actual.length x classLabels.size()} probabilities, row after row
     * @param attributes each row's groups
     */
    HeldOutAnalysis(List<String> classLabels, int[] actual, double[] probabilities, GroupAttributes attributes) {
        int rows = actual.length;
        int numClasses = classLabels.size();
        if (rows == 0) {
            throw new IllegalArgumentException("no held-out rows to analyse");
        }
        if (probabilities.length != (long) rows * numClasses) {
            throw new IllegalArgumentException(
                    probabilities.length + " probabilities for " + rows + " rows of " + numClasses + " classes");
        }
        if (attributes.rows() != rows) {
            throw new IllegalArgumentException(rows + " rows but " + attributes.rows() + " rows of attributes");
        }
        if (!classLabels.contains(PERM)) {
            throw new IllegalArgumentException("the classes " + classLabels + " have no " + PERM);
        }
        this.classes = List.copyOf(classLabels);
        this.attributes = attributes.names();
        int[] predicted = new int[rows];
        double[] confidence = new double[rows];
        double[] correct = new double[rows];
        double[][] byClass = new double[numClasses][rows];
        for (int row = 0; row < rows; row++) {
            if (actual[row] < 0 || actual[row] >= numClasses) {
                throw new IllegalArgumentException("actual class of row " + row + " is " + actual[row]);
            }
            int best = 0;
            for (int c = 0; c < numClasses; c++) {
                byClass[c][row] = probabilities[row * numClasses + c];
                if (byClass[c][row] > byClass[best][row]) {
                    best = c;
                }
            }
            predicted[row] = best;
            confidence[row] = byClass[best][row];
            correct[row] = best == actual[row] ? 1 : 0;
        }
        table = Table.create(
                "held-out",
                IntColumn.create(ACTUAL, actual),
                IntColumn.create(PREDICTED, predicted),
                DoubleColumn.create(CONFIDENCE, confidence),
                DoubleColumn.create(CORRECT, correct),
                IntColumn.create(BIN, binsOf(confidence)));
        for (int c = 0; c < numClasses; c++) {
            table.addColumns(DoubleColumn.create(probabilityColumn(c), byClass[c]));
        }
        for (String attribute : this.attributes) {
            table.addColumns(StringColumn.create(attribute, attributes.groups(attribute)));
        }
    }

    /**
     * The figures of {@link #byGroup()} for any rows with outcomes: realised ones measure guests who left exactly as
     * training measured the held-out households. Arguments as the constructor's.
     */
    public static GroupMetrics measure(
            List<String> classLabels, int[] actual, double[] probabilities, GroupAttributes attributes) {
        return new HeldOutAnalysis(classLabels, actual, probabilities, attributes).byGroup();
    }

    /** Overall, per group of every attribute, and the disparity between each attribute's groups. */
    GroupMetrics byGroup() {
        Map<String, GroupMetrics.AttributeMetrics> byAttribute = new LinkedHashMap<>();
        for (String attribute : attributes) {
            TableSliceGroup slices = table.splitOn(attribute);
            List<Map.Entry<String, GroupMetrics.Scores>> groups = new ArrayList<>();
            for (TableSlice slice : slices) {
                Table group = slice.asTable();
                groups.add(Map.entry(
                        slice.name(),
                        group.rowCount() < MIN_GROUP_ROWS
                                ? GroupMetrics.Scores.tooSmall(group.rowCount())
                                : scores(group)));
            }
            groups.sort(Comparator.<Map.Entry<String, GroupMetrics.Scores>>comparingLong(
                            e -> -e.getValue().rows())
                    .thenComparing(Map.Entry::getKey));
            Map<String, GroupMetrics.Scores> ordered = new LinkedHashMap<>();
            groups.forEach(e -> ordered.put(e.getKey(), e.getValue()));
            byAttribute.put(attribute, new GroupMetrics.AttributeMetrics(ordered, disparity(ordered)));
        }
        return new GroupMetrics(MIN_GROUP_ROWS, CALIBRATION_BINS, scores(table), byAttribute);
    }

    /** Per class, the observed share against the mean probability in each non-empty bin of that class's probability. */
    CalibrationCurves calibration() {
        IntColumn actual = table.intColumn(ACTUAL);
        Map<String, List<CalibrationCurves.Point>> curves = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            DoubleColumn probability = table.doubleColumn(probabilityColumn(c));
            double[] observed = new double[table.rowCount()];
            actual.isEqualTo(c).forEach(row -> observed[row] = 1);
            Table byBin = Table.create(
                            DoubleColumn.create(CONFIDENCE, probability.asDoubleArray()),
                            DoubleColumn.create(OBSERVED, observed),
                            IntColumn.create(BIN, binsOf(probability.asDoubleArray())))
                    .summarize(CONFIDENCE, OBSERVED, mean, count)
                    .by(BIN)
                    .sortAscendingOn(BIN);
            List<CalibrationCurves.Point> points = new ArrayList<>();
            for (int b = 0; b < byBin.rowCount(); b++) {
                points.add(new CalibrationCurves.Point(
                        byBin.intColumn(BIN).getInt(b),
                        byBin.doubleColumn(TableSliceGroup.aggregateColumnName(CONFIDENCE, mean.functionName()))
                                .getDouble(b),
                        byBin.doubleColumn(TableSliceGroup.aggregateColumnName(OBSERVED, mean.functionName()))
                                .getDouble(b),
                        Math.round(
                                byBin.doubleColumn(TableSliceGroup.aggregateColumnName(OBSERVED, count.functionName()))
                                        .getDouble(b))));
            }
            curves.put(classes.get(c), points);
        }
        return new CalibrationCurves(CALIBRATION_BINS, curves);
    }

    private GroupMetrics.Scores scores(Table rows) {
        double n = rows.rowCount();
        IntColumn actual = rows.intColumn(ACTUAL);
        IntColumn predicted = rows.intColumn(PREDICTED);
        Map<String, Double> recall = new LinkedHashMap<>();
        double f1Sum = 0;
        double squaredErrors = 0;
        for (int c = 0; c < classes.size(); c++) {
            int ofClass = actual.isEqualTo(c).size();
            int predictedAsClass = predicted.isEqualTo(c).size();
            int truePositives = actual.isEqualTo(c).and(predicted.isEqualTo(c)).size();
            recall.put(classes.get(c), ofClass == 0 ? null : (double) truePositives / ofClass);
            f1Sum += ofClass + predictedAsClass == 0 ? 0 : 2.0 * truePositives / (ofClass + predictedAsClass);
            // sum over rows of (p - y)^2 = sum of p^2 - 2 x (sum of p over the class's rows) + rows of the class
            DoubleColumn probability = rows.doubleColumn(probabilityColumn(c));
            squaredErrors += probability.sumOfSquares()
                    - 2 * probability.where(actual.isEqualTo(c)).sum()
                    + ofClass;
        }
        int perm = classes.indexOf(PERM);
        return new GroupMetrics.Scores(
                rows.rowCount(),
                false,
                actual.isEqualTo(predicted).size() / n,
                f1Sum / classes.size(),
                recall,
                predicted.isEqualTo(perm).size() / n,
                squaredErrors / n,
                expectedCalibrationError(rows));
    }

    private static double expectedCalibrationError(Table rows) {
        Table byBin = rows.summarize(CONFIDENCE, CORRECT, mean, count).by(BIN);
        DoubleColumn confidence =
                byBin.doubleColumn(TableSliceGroup.aggregateColumnName(CONFIDENCE, mean.functionName()));
        DoubleColumn accuracy = byBin.doubleColumn(TableSliceGroup.aggregateColumnName(CORRECT, mean.functionName()));
        DoubleColumn binRows = byBin.doubleColumn(TableSliceGroup.aggregateColumnName(CORRECT, count.functionName()));
        double error = 0;
        for (int b = 0; b < byBin.rowCount(); b++) {
            error += binRows.getDouble(b) / rows.rowCount() * Math.abs(accuracy.getDouble(b) - confidence.getDouble(b));
        }
        return error;
    }

    private static GroupMetrics.Disparity disparity(Map<String, GroupMetrics.Scores> groups) {
        Map<String, GroupMetrics.Scores> reported = new LinkedHashMap<>();
        groups.forEach((name, scores) -> {
            if (!scores.tooSmall()) {
                reported.put(name, scores);
            }
        });
        if (reported.size() < 2) {
            return null;
        }
        return new GroupMetrics.Disparity(
                gap(reported, GroupMetrics.Scores::accuracy), gap(reported, GroupMetrics.Scores::sharePredictedPerm));
    }

    private static GroupMetrics.Gap gap(
            Map<String, GroupMetrics.Scores> groups, Function<GroupMetrics.Scores, Double> figure) {
        String highest = null;
        String lowest = null;
        for (Map.Entry<String, GroupMetrics.Scores> group : groups.entrySet()) {
            double value = figure.apply(group.getValue());
            if (highest == null || value > figure.apply(groups.get(highest))) {
                highest = group.getKey();
            }
            if (lowest == null || value < figure.apply(groups.get(lowest))) {
                lowest = group.getKey();
            }
        }
        double high = figure.apply(groups.get(highest));
        double low = figure.apply(groups.get(lowest));
        return new GroupMetrics.Gap(highest, high, lowest, low, high - low, high == 0 ? null : low / high);
    }

    /** The equal-width bin of each probability: [0, 0.1) is 0 ... [0.9, 1] is 9 for 10 bins. */
    private static int[] binsOf(double[] probabilities) {
        int[] bins = new int[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            bins[i] = Math.min(CALIBRATION_BINS - 1, (int) Math.floor(probabilities[i] * CALIBRATION_BINS));
        }
        return bins;
    }

    private String probabilityColumn(int classIndex) {
        return "p_" + classes.get(classIndex);
    }
}
