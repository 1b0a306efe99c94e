package org.hmis.predictions.runner;

import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.training.ClassificationMetrics;
import org.hmis.predictions.training.TrainingSet;

/** What a training run read and how the model did on held-out households, as text for a terminal. */
final class TrainingReport {
    private TrainingReport() {}

    static String format(TrainingSet set, ModelManifest manifest) {
        StringBuilder out = new StringBuilder();
        List<String> classes = manifest.classLabels();
        out.append(String.format(
                "Exited guests read: %,d; trained on %,d rows, held out %,d rows (whole households)%n",
                set.rowsRead(), manifest.trainRows(), manifest.testRows()));
        if (set.unmappedRows() > 0) {
            out.append(String.format("Left out, exit destination not in the mapping: %,d rows%n", set.unmappedRows()));
            set.unmappedDestinations()
                    .forEach((destination, rows) -> out.append(String.format("  %,8d  %s%n", rows, destination)));
        }
        if (set.rejectedRows() > 0) {
            out.append(String.format(
                    "Left out, personal_id or enroll_date missing or malformed: %,d rows%n", set.rejectedRows()));
        }
        if (!set.unknownValues().isEmpty()) {
            out.append("Values the feature specification does not know (encoded as missing or no flag):")
                    .append('\n');
            set.unknownValues().forEach((column, count) -> out.append(String.format("  %,8d  %s%n", count, column)));
        }
        long[] classCounts = set.classCounts();
        out.append("Rows per class:");
        for (int c = 0; c < classes.size(); c++) {
            out.append(String.format(" %s %,d", classes.get(c), classCounts[c]));
        }
        out.append('\n').append('\n');

        ClassificationMetrics metrics = ClassificationMetrics.of(manifest);
        out.append(String.format("On held-out households (%,d rows):%n", manifest.testRows()));
        out.append(String.format("  %-22s %8s %10s%n", "", "model", "baseline"));
        out.append(String.format(
                "  %-22s %8.3f %10.3f%n", "accuracy", metrics.accuracy(), metrics.majorityBaselineAccuracy()));
        // Always predicting one class scores 0 on the others: its macro F1 follows from its accuracy alone.
        double baselineF1 =
                2 * metrics.majorityBaselineAccuracy() / (1 + metrics.majorityBaselineAccuracy()) / classes.size();
        out.append(String.format("  %-22s %8.3f %10.3f%n", "macro F1", metrics.macroF1(), baselineF1));
        for (Map.Entry<String, Double> f1 : metrics.perClassF1().entrySet()) {
            double baseline = f1.getKey().equals(metrics.majorityClass()) ? baselineF1 * classes.size() : 0;
            out.append(String.format("  %-22s %8.3f %10.3f%n", "F1 " + f1.getKey(), f1.getValue(), baseline));
        }
        out.append(String.format(
                "  (baseline: always '%s', the most frequent class in training)%n%n", metrics.majorityClass()));

        out.append("Confusion matrix (rows: actual class, columns: predicted class):")
                .append('\n');
        out.append(String.format("  %-8s", ""));
        classes.forEach(label -> out.append(String.format(" %8s", label)));
        out.append('\n');
        for (int actual = 0; actual < classes.size(); actual++) {
            out.append(String.format("  %-8s", classes.get(actual)));
            for (long count : metrics.confusionMatrix().get(actual)) {
                out.append(String.format(" %,8d", count));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
