package org.hmis.predictions.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;

/**
 * How well a classifier did on held-out rows.
 *
 * @param accuracy share of rows whose predicted class is the actual one
 * @param macroF1 unweighted mean of the per-class F1 scores
 * @param perClassF1 F1 score per class label, in class index order; a class neither present nor predicted scores 0
 * @param confusionMatrix row = actual class, column = predicted class, both in class index order
 * @param majorityClass the class seen most often in the training rows
 * @param majorityBaselineAccuracy the accuracy of always predicting {@code majorityClass}: what a model must beat
 */
// metrics also holds what newer training adds beside these (calibration, by_group): read on their own.
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClassificationMetrics(
        @JsonProperty("accuracy") double accuracy,
        @JsonProperty("macro_f1") double macroF1,
        @JsonProperty("per_class_f1") Map<String, Double> perClassF1,
        @JsonProperty("confusion_matrix") List<List<Long>> confusionMatrix,
        @JsonProperty("majority_class") String majorityClass,
        @JsonProperty("majority_baseline_accuracy") double majorityBaselineAccuracy) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClassificationMetrics {
        requireShare("accuracy", accuracy);
        requireShare("macro_f1", macroF1);
        requireShare("majority_baseline_accuracy", majorityBaselineAccuracy);
        if (perClassF1 == null || perClassF1.isEmpty()) {
            throw new IllegalArgumentException("'per_class_f1' is missing or empty");
        }
        perClassF1.forEach((label, f1) -> requireShare("per_class_f1." + label, f1 == null ? Double.NaN : f1));
        perClassF1 = Collections.unmodifiableMap(new LinkedHashMap<>(perClassF1));
        int classes = perClassF1.size();
        if (confusionMatrix == null || confusionMatrix.size() != classes) {
            throw new IllegalArgumentException("'confusion_matrix' should have " + classes
                    + " rows, one per class, found "
                    + (confusionMatrix == null ? "none" : confusionMatrix.size()));
        }
        List<List<Long>> rows = new ArrayList<>(classes);
        for (int actual = 0; actual < classes; actual++) {
            List<Long> row = confusionMatrix.get(actual);
            if (row == null || row.size() != classes) {
                throw new IllegalArgumentException("'confusion_matrix' row " + actual + " should have " + classes
                        + " counts, found " + (row == null ? "none" : row.size()));
            }
            for (int predicted = 0; predicted < classes; predicted++) {
                Long count = row.get(predicted);
                if (count == null || count < 0) {
                    throw new IllegalArgumentException(
                            "'confusion_matrix' [" + actual + "][" + predicted + "] is not a count: " + count);
                }
            }
            rows.add(List.copyOf(row));
        }
        confusionMatrix = List.copyOf(rows);
        if (majorityClass == null || !perClassF1.containsKey(majorityClass)) {
            throw new IllegalArgumentException(
                    "'majority_class' " + majorityClass + " is not one of the classes " + perClassF1.keySet());
        }
    }

    /**
     * Scores predictions against actual classes.
     *
     * @param classLabels the labels of class indexes 0..n-1
     * @param actual actual class index per row
     * @param predicted predicted class index per row
     * @param majorityClass index of the most frequent class in the training rows, for the baseline
     */
    public static ClassificationMetrics evaluate(
            List<String> classLabels, int[] actual, int[] predicted, int majorityClass) {
        int classes = classLabels.size();
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(
                    actual.length + " actual classes but " + predicted.length + " predictions");
        }
        if (actual.length == 0) {
            throw new IllegalArgumentException("no rows to evaluate");
        }
        requireClass("majority class", majorityClass, classes);
        long[][] counts = new long[classes][classes];
        for (int row = 0; row < actual.length; row++) {
            requireClass("actual class of row " + row, actual[row], classes);
            requireClass("predicted class of row " + row, predicted[row], classes);
            counts[actual[row]][predicted[row]]++;
        }
        long correct = 0;
        Map<String, Double> perClassF1 = new LinkedHashMap<>();
        double f1Sum = 0;
        List<List<Long>> matrix = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            long truePositives = counts[c][c];
            long actualOfClass = 0;
            long predictedAsClass = 0;
            List<Long> row = new ArrayList<>(classes);
            for (int other = 0; other < classes; other++) {
                actualOfClass += counts[c][other];
                predictedAsClass += counts[other][c];
                row.add(counts[c][other]);
            }
            matrix.add(row);
            correct += truePositives;
            // F1 = 2TP / (2TP + FP + FN), with FP + TP = predictedAsClass and FN + TP = actualOfClass.
            long denominator = actualOfClass + predictedAsClass;
            double f1 = denominator == 0 ? 0.0 : 2.0 * truePositives / denominator;
            perClassF1.put(classLabels.get(c), f1);
            f1Sum += f1;
        }
        long majorityHits = 0;
        for (int a : actual) {
            if (a == majorityClass) {
                majorityHits++;
            }
        }
        double rows = actual.length;
        return new ClassificationMetrics(
                correct / rows,
                f1Sum / classes,
                perClassF1,
                matrix,
                classLabels.get(majorityClass),
                majorityHits / rows);
    }

    /** Rows evaluated: the sum of the confusion matrix. */
    /** The metrics as {@code model.json} keeps them. */
    public JsonNode toJson() {
        try {
            // Through text, so numbers take the node types reading model.json gives them and manifests compare equal.
            return JSON.readTree(JSON.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metrics are numbers, labels and lists: they always serialize", e);
        }
    }

    /**
     * The held-out metrics of a manifest training wrote, checked against it: one F1 per class of the manifest,
     * and a confusion matrix that counts its test rows.
     *
     * @throws InvalidModelException naming what does not fit
     */
    public static ClassificationMetrics of(ModelManifest manifest) {
        ClassificationMetrics metrics;
        try {
            metrics = JSON.treeToValue(manifest.metrics(), ClassificationMetrics.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidModelException(
                    ModelManifest.FILE_NAME + " has no held-out metrics as training writes them: " + e.getMessage(), e);
        }
        if (!List.copyOf(metrics.perClassF1().keySet()).equals(manifest.classLabels())) {
            throw new InvalidModelException(ModelManifest.FILE_NAME
                    + ": 'metrics.per_class_f1' should score the classes " + manifest.classLabels() + ", found "
                    + metrics.perClassF1().keySet());
        }
        if (metrics.evaluatedRows() != manifest.testRows()) {
            throw new InvalidModelException(ModelManifest.FILE_NAME + ": 'metrics.confusion_matrix' counts "
                    + metrics.evaluatedRows() + " rows but 'test_rows' is " + manifest.testRows());
        }
        return metrics;
    }

    public long evaluatedRows() {
        return confusionMatrix.stream()
                .flatMap(List::stream)
                .mapToLong(Long::longValue)
                .sum();
    }

    private static void requireShare(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException("'" + name + "' should be between 0 and 1, found " + value);
        }
    }

    private static void requireClass(String what, int value, int classes) {
        if (value < 0 || value >= classes) {
            throw new IllegalArgumentException(what + " is " + value + ", outside 0.." + (classes - 1));
        }
    }
}
