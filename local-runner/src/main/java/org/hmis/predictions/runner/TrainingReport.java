package org.hmis.predictions.runner;

import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.training.ClassificationMetrics;
import org.hmis.predictions.training.GroupMetrics;
import org.hmis.predictions.training.HouseholdRisk;
import org.hmis.predictions.training.TrainingSet;

/** What a training run read and how the model did on held-out households, as text for a terminal. */
final class TrainingReport {
    private TrainingReport() {}

    static String format(TrainingSet set, ModelManifest manifest) {
        StringBuilder out = new StringBuilder();
        List<String> classes = manifest.classLabels();
        boolean households =
                FeatureSpec.forVersion(manifest.featureSpecVersion()).unit() == FeatureSpec.Unit.HOUSEHOLD;
        out.append(String.format(
                "Exited %s read: %,d; trained on %,d rows, held out %,d rows (whole households)%n",
                households ? "households (one row each, its head's destination)" : "guests",
                set.rowsRead(),
                manifest.trainRows(),
                manifest.testRows()));
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
        HouseholdRisk.of(manifest)
                .ifPresent(risk -> out.append(String.format(
                        "Risk model (not reaching permanent housing) on %,d held-out households%s: AUC %.3f, precision among"
                                + " the 10%% most at risk %.3f%n%n",
                        risk.households(),
                        households ? "" : " (a household's risk: its members' mean)",
                        risk.auc(),
                        risk.precisionTop10pct())));
        GroupMetrics.of(manifest).ifPresent(groups -> out.append(byGroup(groups)));

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

    private static final int GROUP_WIDTH = 44;

    /** Per attribute, each group's figures (or that it is too small), then the disparity between them. */
    static String byGroup(GroupMetrics groups) {
        StringBuilder out = new StringBuilder();
        GroupMetrics.Scores overall = groups.overall();
        out.append(String.format(
                "By group on held-out households (groups under %d rows withheld; Brier 0 best, 2 worst; ECE: expected "
                        + "calibration error over %d bins):%n",
                groups.minGroupRows(), groups.calibrationBins()));
        String header = "  %-" + GROUP_WIDTH + "s %7s %9s %9s %11s %7s %7s%n";
        String line = "  %-" + GROUP_WIDTH + "s %,7d %9.3f %9.3f %11.3f %7.3f %7.3f%n";
        out.append(String.format(header, "", "rows", "accuracy", "macro F1", "share perm", "Brier", "ECE"));
        out.append(String.format(
                line,
                "all held-out",
                overall.rows(),
                overall.accuracy(),
                overall.macroF1(),
                overall.sharePredictedPerm(),
                overall.brier(),
                overall.expectedCalibrationError()));
        groups.attributes().forEach((attribute, metrics) -> {
            out.append("  ").append(attribute).append('\n');
            metrics.groups().forEach((group, scores) -> {
                String name = "    " + shortened(group);
                if (scores.tooSmall()) {
                    out.append(String.format(
                            "  %-" + GROUP_WIDTH + "s %,7d   too small to report%n", name, scores.rows()));
                } else {
                    out.append(String.format(
                            line,
                            name,
                            scores.rows(),
                            scores.accuracy(),
                            scores.macroF1(),
                            scores.sharePredictedPerm(),
                            scores.brier(),
                            scores.expectedCalibrationError()));
                }
            });
            GroupMetrics.Disparity disparity = metrics.disparity();
            if (disparity == null) {
                out.append("    disparity: fewer than two groups large enough\n");
            } else {
                out.append("    accuracy gap ")
                        .append(gap(disparity.accuracy()))
                        .append('\n');
                out.append("    share predicted perm gap ")
                        .append(gap(disparity.sharePredictedPerm()))
                        .append('\n');
            }
        });
        return out.append('\n').toString();
    }

    private static String gap(GroupMetrics.Gap gap) {
        return String.format(
                "%.3f, ratio %s: %s %.3f, %s %.3f",
                gap.gap(),
                gap.ratio() == null ? "n/a" : String.format("%.2f", gap.ratio()),
                shortened(gap.highestGroup()),
                gap.highest(),
                shortened(gap.lowestGroup()),
                gap.lowest());
    }

    private static String shortened(String group) {
        int room = GROUP_WIDTH - 4;
        return group.length() <= room ? group : group.substring(0, room - 3) + "...";
    }
}
