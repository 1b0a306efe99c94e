package org.hmis.predictions.training.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.drift.DriftAssessment;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.drift.PopulationStabilityIndex;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.training.CalibrationCurves;
import org.hmis.predictions.training.ClassificationMetrics;
import org.hmis.predictions.training.GroupMetrics;
import org.hmis.predictions.training.RealisedOutcomes;
import org.hmis.predictions.training.StoredModel;
import org.jfree.chart.JFreeChart;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;

/**
 * One self-contained HTML page about a model: how it did on the held-out households overall, per class, per group
 * and by probability, what it leans on, how far tonight's guests are from its training rows and how its predictions
 * came out. Charts are JFreeChart PNGs embedded as {@code data:} URIs and the style sheet is inline, so the file opens
 * anywhere, offline, on its own.
 *
 * <p>Everything about the held-out households comes from the model's own {@code model.json}: training records there
 * the confusion matrix, the metrics by group and the calibration curves of exactly the households it held out, so the
 * report needs no database and cannot disagree with the manifest. Drift and outcomes come from runs, when there are
 * any to show.
 */
public final class ModelReport {
    /** The report's file name in the directory it is written to. */
    public static final String FILE_NAME = "model-report.html";

    private static final int TOP_FEATURES = 20;
    /** Calibration bins with fewer rows are not drawn, as groups that small are not reported. */
    private static final int MIN_BIN_ROWS = 30;

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto; max-width: 60rem;
                   padding: 0 1rem; color: #222; line-height: 1.45; }
            h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.5rem; }
            .meta, .note { color: #555; } .empty { color: #555; font-style: italic; background: #f6f6f6; padding: 0.6rem; }
            nav a { margin-right: 0.8rem; }
            table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; }
            th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; }
            th:first-child, td:first-child { text-align: left; } td.withheld { color: #888; font-style: italic; }
            img { max-width: 100%; height: auto; display: block; margin: 0.6rem 0; }
            """;

    private final FeatureImportance importance;

    /** @param importance where the feature importance section's figures come from */
    public ModelReport(FeatureImportance importance) {
        this.importance = importance;
    }

    /**
     * Writes {@link #FILE_NAME} into {@code directory}, creating it if needed.
     *
     * @param latestRun the drift of the latest run, when one was measured
     * @param outcomes realised outcomes by month of exit and by group; {@link RealisedOutcomes#none()} when there
     *     are none yet
     * @return the file written
     */
    public Path write(StoredModel model, Optional<RunDrift> latestRun, RealisedOutcomes outcomes, Path directory)
            throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(FILE_NAME);
        Files.writeString(file, html(model, latestRun, outcomes), StandardCharsets.UTF_8);
        return file;
    }

    /** The report as HTML text. */
    public String html(StoredModel model, Optional<RunDrift> latestRun, RealisedOutcomes outcomes) {
        ModelManifest manifest = model.manifest();
        ClassificationMetrics metrics = ClassificationMetrics.of(manifest);
        Optional<GroupMetrics> byGroup = GroupMetrics.of(manifest);
        Optional<CalibrationCurves> calibration = CalibrationCurves.of(manifest);

        Document document = Document.createShell("");
        document.prependChild(new DocumentType("html", "", ""));
        document.selectFirst("html").attr("lang", "en");
        document.head().prependElement("meta").attr("charset", "utf-8");
        document.title("Model report: " + manifest.modelName());
        document.head().appendElement("style").appendText(CSS);
        Element body = document.body();
        body.appendElement("h1").text("Model report: " + manifest.modelName());
        body.appendElement("p")
                .addClass("meta")
                .text(String.format(
                        Locale.ROOT,
                        "Feature specification %s, %d features; trained %s on %,d rows; measured on %,d held-out rows "
                                + "of households it never saw.",
                        manifest.featureSpecVersion(),
                        manifest.features().size(),
                        manifest.trainedAt(),
                        manifest.trainRows(),
                        manifest.testRows()));
        protectedAttributesNote(manifest)
                .ifPresent(note -> body.appendElement("p").addClass("note").text(note));
        Element nav = body.appendElement("nav");
        for (String[] link : new String[][] {
            {"summary", "Summary"},
            {"confusion-matrix", "Confusion matrix"},
            {"per-class", "Per class"},
            {"by-group", "By group"},
            {"calibration", "Calibration"},
            {"feature-importance", "Feature importance"},
            {"drift", "Drift"},
            {"outcomes", "Outcomes"}
        }) {
            nav.appendElement("a").attr("href", "#" + link[0]).text(link[1]);
        }

        summary(section(body, "summary", "Summary on held-out households"), metrics, byGroup);
        Element matrix = section(body, "confusion-matrix", "Confusion matrix");
        matrix.appendElement("p")
                .text("Rows are where guests went, columns what the model predicted; each cell holds its count and is "
                        + "shaded by its share of the row, so the diagonal's shade is each class's recall.");
        image(
                matrix,
                ReportCharts.confusionMatrix(manifest.classLabels(), metrics.confusionMatrix()),
                "Confusion matrix heat map",
                ReportCharts.WIDTH,
                420);
        perClass(section(body, "per-class", "Per class"), manifest, metrics);
        byGroup(section(body, "by-group", "By group"), metrics, byGroup);
        calibration(section(body, "calibration", "Calibration"), calibration, byGroup);
        featureImportance(section(body, "feature-importance", "Feature importance"), model);
        drift(section(body, "drift", "Drift of the latest run"), manifest, latestRun);
        outcomes(section(body, "outcomes", "Realised outcomes"), metrics, byGroup, outcomes);
        return document.outerHtml();
    }

    private static Optional<String> protectedAttributesNote(ModelManifest manifest) {
        List<String> sources;
        try {
            sources = FeatureSpec.forVersion(manifest.featureSpecVersion()).sourceColumns();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        List<String> read = FeatureSpec.PROTECTED_ATTRIBUTES.stream()
                .filter(sources::contains)
                .toList();
        if (read.isEmpty()) {
            return Optional.of(
                    "This model reads no protected attribute: " + String.join(", ", FeatureSpec.PROTECTED_ATTRIBUTES)
                            + " are not among its features, only used below to measure it per group.");
        }
        return Optional.of("This model reads " + String.join(", ", read) + " as features; feature specification "
                + FeatureSpec.V2.version() + " leaves them out. Compare the figures per group below before choosing.");
    }

    private static Element section(Element body, String id, String title) {
        Element section = body.appendElement("section").id(id);
        section.appendElement("h2").text(title);
        return section;
    }

    private static void image(Element parent, JFreeChart chart, String alt, int width, int height) {
        parent.appendElement("img")
                .attr("src", ReportCharts.pngDataUri(chart, width, height))
                .attr("alt", alt)
                .attr("width", Integer.toString(width))
                .attr("height", Integer.toString(height));
    }

    private static void summary(Element section, ClassificationMetrics metrics, Optional<GroupMetrics> byGroup) {
        double baselineMacroF1 = baselineF1(metrics.majorityBaselineAccuracy())
                / metrics.perClassF1().size();
        Element table = section.appendElement("table");
        row(table, "th", "", "model", "always '" + metrics.majorityClass() + "' (baseline)");
        row(table, "td", "accuracy", share(metrics.accuracy()), share(metrics.majorityBaselineAccuracy()));
        row(table, "td", "macro F1", share(metrics.macroF1()), share(baselineMacroF1));
        byGroup.ifPresent(groups -> {
            row(
                    table,
                    "td",
                    "Brier score (0 best, 2 worst)",
                    share(groups.overall().brier()),
                    "");
            row(
                    table,
                    "td",
                    "expected calibration error",
                    share(groups.overall().expectedCalibrationError()),
                    "");
            row(table, "td", "share predicted perm", share(groups.overall().sharePredictedPerm()), "");
        });
    }

    private static void perClass(Element section, ModelManifest manifest, ClassificationMetrics metrics) {
        List<String> classes = manifest.classLabels();
        Map<String, Double> recall = new LinkedHashMap<>();
        Map<String, Double> baseline = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Long> row = metrics.confusionMatrix().get(c);
            long total = row.stream().mapToLong(Long::longValue).sum();
            recall.put(classes.get(c), total == 0 ? null : (double) row.get(c) / total);
            baseline.put(
                    classes.get(c),
                    classes.get(c).equals(metrics.majorityClass())
                            ? baselineF1(metrics.majorityBaselineAccuracy())
                            : 0.0);
        }
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        series.put("F1", metrics.perClassF1());
        series.put("recall", recall);
        series.put("baseline F1 (always '" + metrics.majorityClass() + "')", baseline);
        section.appendElement("p")
                .text("F1 and recall of each class, beside the F1 of always predicting the most frequent class: the "
                        + "baseline scores only on that class, so every other bar above zero is something it misses.");
        image(
                section,
                ReportCharts.bars("score", series),
                "F1 and recall per class with the baseline",
                ReportCharts.WIDTH,
                ReportCharts.HEIGHT);
        Element table = section.appendElement("table");
        row(table, "th", "class", "held-out rows", "F1", "recall", "baseline F1");
        for (int c = 0; c < classes.size(); c++) {
            String label = classes.get(c);
            row(
                    table,
                    "td",
                    label,
                    String.format(
                            Locale.ROOT,
                            "%,d",
                            metrics.confusionMatrix().get(c).stream()
                                    .mapToLong(Long::longValue)
                                    .sum()),
                    share(metrics.perClassF1().get(label)),
                    share(recall.get(label)),
                    share(baseline.get(label)));
        }
    }

    private static void byGroup(Element section, ClassificationMetrics metrics, Optional<GroupMetrics> byGroup) {
        if (byGroup.isEmpty()) {
            section.appendElement("p")
                    .addClass("empty")
                    .text("This model's manifest has no metrics by group: it was trained before training recorded "
                            + "them. Train it again to see them.");
            return;
        }
        GroupMetrics groups = byGroup.get();
        GroupMetrics.Scores overall = groups.overall();
        section.appendElement("p")
                .text(String.format(
                        Locale.ROOT,
                        "Each group's accuracy and share predicted perm on the held-out households, against all "
                                + "held-out rows (dashed). Groups with fewer than %d rows are withheld: their figures "
                                + "would be noise. The disparity compares the highest and lowest group with figures "
                                + "(ratio = lowest / highest; below 0.8 is the four-fifths rule's warning sign).",
                        groups.minGroupRows()));
        double actualPerm = actualShare(metrics, "perm");
        groups.attributes().forEach((attribute, attributeMetrics) -> {
            String name = attribute.replace('_', ' ');
            section.appendElement("h3").text(name);
            Map<String, Double> accuracy = new LinkedHashMap<>();
            Map<String, Double> perm = new LinkedHashMap<>();
            attributeMetrics.groups().forEach((group, scores) -> {
                if (!scores.tooSmall()) {
                    accuracy.put(group, scores.accuracy());
                    perm.put(group, scores.sharePredictedPerm());
                }
            });
            if (accuracy.isEmpty()) {
                section.appendElement("p").addClass("empty").text("No group of " + name + " is large enough.");
            } else {
                image(
                        section,
                        ReportCharts.groupBars(
                                "accuracy",
                                accuracy,
                                List.of(
                                        ReportCharts.marker(overall.accuracy(), "all held-out", false),
                                        ReportCharts.marker(
                                                metrics.majorityBaselineAccuracy(),
                                                "always '" + metrics.majorityClass() + "'",
                                                true))),
                        "Accuracy by " + name,
                        ReportCharts.WIDTH,
                        ReportCharts.heightFor(accuracy.size()));
                image(
                        section,
                        ReportCharts.groupBars(
                                "share predicted perm",
                                perm,
                                List.of(
                                        ReportCharts.marker(overall.sharePredictedPerm(), "all held-out", false),
                                        ReportCharts.marker(actualPerm, "actually perm", true))),
                        "Share predicted perm by " + name,
                        ReportCharts.WIDTH,
                        ReportCharts.heightFor(perm.size()));
            }
            groupTable(section, attributeMetrics, groups.minGroupRows());
            GroupMetrics.Disparity disparity = attributeMetrics.disparity();
            section.appendElement("p")
                    .text(
                            disparity == null
                                    ? "Fewer than two groups have figures: no disparity to report."
                                    : "Accuracy: " + describe(disparity.accuracy()) + ". Share predicted perm: "
                                            + describe(disparity.sharePredictedPerm()) + ".");
        });
    }

    private static void groupTable(Element section, GroupMetrics.AttributeMetrics attribute, int minRows) {
        Element table = section.appendElement("table");
        List<String> header = new ArrayList<>(
                List.of("group", "rows", "accuracy", "macro F1", "share predicted perm", "Brier", "calibration error"));
        List<String> classes = attribute.groups().values().stream()
                .filter(s -> !s.tooSmall())
                .findFirst()
                .map(s -> List.copyOf(s.recall().keySet()))
                .orElse(List.of());
        classes.forEach(label -> header.add("recall " + label));
        row(table, "th", header.toArray(String[]::new));
        attribute.groups().forEach((group, scores) -> {
            Element tr = table.appendElement("tr");
            tr.appendElement("td").text(group);
            tr.appendElement("td").text(String.format(Locale.ROOT, "%,d", scores.rows()));
            if (scores.tooSmall()) {
                tr.appendElement("td")
                        .addClass("withheld")
                        .attr("colspan", Integer.toString(header.size() - 2))
                        .text("too small to report (fewer than " + minRows + " rows)");
                return;
            }
            for (Double value : List.of(
                    scores.accuracy(),
                    scores.macroF1(),
                    scores.sharePredictedPerm(),
                    scores.brier(),
                    scores.expectedCalibrationError())) {
                tr.appendElement("td").text(share(value));
            }
            classes.forEach(
                    label -> tr.appendElement("td").text(share(scores.recall().get(label))));
        });
    }

    private static String describe(GroupMetrics.Gap gap) {
        return String.format(
                Locale.ROOT,
                "highest %s (%.3f), lowest %s (%.3f), gap %.3f, ratio %s",
                gap.highestGroup(),
                gap.highest(),
                gap.lowestGroup(),
                gap.lowest(),
                gap.gap(),
                gap.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", gap.ratio()));
    }

    private static void calibration(
            Element section, Optional<CalibrationCurves> calibration, Optional<GroupMetrics> byGroup) {
        if (calibration.isEmpty()) {
            section.appendElement("p")
                    .addClass("empty")
                    .text("This model's manifest has no calibration curves: it was trained before training recorded "
                            + "them. Train it again to see them.");
            return;
        }
        CalibrationCurves curves = calibration.get();
        section.appendElement("p")
                .text(String.format(
                        Locale.ROOT,
                        "For each class, held-out rows are binned by the probability the model gave that class (%d "
                                + "equal-width bins); each point is a bin's mean probability against how often the "
                                + "class really happened there. On the dashed diagonal, a probability of 0.3 comes "
                                + "true 30%% of the time.%s",
                        curves.bins(),
                        byGroup.map(g -> String.format(
                                        Locale.ROOT,
                                        " Expected calibration error (top label): %.3f; Brier score: %.3f.",
                                        g.overall().expectedCalibrationError(),
                                        g.overall().brier()))
                                .orElse("")));
        int minRows = byGroup.map(GroupMetrics::minGroupRows).orElse(MIN_BIN_ROWS);
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        curves.classes()
                .forEach((label, bins) -> points.put(
                        label,
                        bins.stream()
                                .filter(p -> p.rows() >= minRows)
                                .map(p -> new double[] {p.meanPredicted(), p.observed()})
                                .toList()));
        section.appendElement("p")
                .addClass("note")
                .text("Bins with fewer than " + minRows + " rows are left out of the chart: their share is noise.");
        image(section, ReportCharts.calibration(points), "Calibration curves per class", ReportCharts.WIDTH, 460);
    }

    private void featureImportance(Element section, StoredModel model) {
        Map<String, Double> values = importance.of(model);
        section.appendElement("p")
                .text("The " + Math.min(TOP_FEATURES, values.size()) + " most important of " + values.size()
                        + " features. " + importance.description());
        image(
                section,
                ReportCharts.ranking("importance", values, TOP_FEATURES, List.of()),
                "Feature importance",
                ReportCharts.WIDTH,
                520);
    }

    private static void drift(Element section, ModelManifest manifest, Optional<RunDrift> latestRun) {
        Optional<DriftBaseline> baseline = manifest.drift();
        section.appendElement("p")
                .text(baseline.map(b -> String.format(
                                Locale.ROOT,
                                "The manifest holds the training distribution of its %d features over %,d rows "
                                        + "(decile bins of numbers, shares of flags, and the share missing); each "
                                        + "run's current households are compared with it: a feature has shifted, "
                                        + "and the figures above may no longer hold, when a chi-square test at the "
                                        + "number of households measured says chance does not explain it and its "
                                        + "population stability index (PSI) is at least %.2f.",
                                b.features().size(),
                                b.rows(),
                                DriftAssessment.EFFECT_FLOOR))
                        .orElse("This model has no drift baseline: it was trained before training recorded one. "
                                + "Train it again to measure drift."));
        if (latestRun.isEmpty()) {
            section.appendElement("p")
                    .addClass("empty")
                    .text("No runs yet: no run has measured drift against this model.");
            return;
        }
        RunDrift run = latestRun.get();
        section.appendElement("p")
                .text(String.format(
                        Locale.ROOT,
                        "Run %s: %d of %d features shifted beyond chance at the households measured, with a PSI of at"
                                + " least %.2f.",
                        run.runId(),
                        run.shifted().size(),
                        run.psi().size(),
                        DriftAssessment.EFFECT_FLOOR));
        image(
                section,
                ReportCharts.ranking(
                        "PSI",
                        run.psi(),
                        TOP_FEATURES,
                        List.of(
                                ReportCharts.marker(PopulationStabilityIndex.WATCH, "watch", true),
                                ReportCharts.marker(PopulationStabilityIndex.ALERT, "shifted", false))),
                "PSI per feature of run " + run.runId(),
                ReportCharts.WIDTH,
                520);
    }

    private static void outcomes(
            Element section, ClassificationMetrics metrics, Optional<GroupMetrics> heldOut, RealisedOutcomes realised) {
        List<OutcomeMonth> outcomes = realised.months();
        if (outcomes.isEmpty()) {
            section.appendElement("p")
                    .addClass("empty")
                    .text("No outcomes yet: no guest with a prediction from this model has left.");
            return;
        }
        section.appendElement("p")
                .text("Guests who left, by month of exit: how their last prediction compared with where they went, "
                        + "against the held-out figures (dashed).");
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        series.put("accuracy", new LinkedHashMap<>());
        series.put("macro F1", new LinkedHashMap<>());
        Element table = section.appendElement("table");
        row(table, "th", "month of exit", "guests", "accuracy", "macro F1", "Brier");
        row(
                table,
                "td",
                "held-out households (model.json)",
                String.format(Locale.ROOT, "%,d", metrics.evaluatedRows()),
                share(metrics.accuracy()),
                share(metrics.macroF1()),
                share(heldOut.map(g -> g.overall().brier()).orElse(null)));
        for (OutcomeMonth month : outcomes) {
            series.get("accuracy").put(month.month().toString(), month.accuracy());
            series.get("macro F1").put(month.month().toString(), month.macroF1());
            row(
                    table,
                    "td",
                    month.month().toString(),
                    String.format(Locale.ROOT, "%,d", month.rows()),
                    share(month.accuracy()),
                    share(month.macroF1()),
                    share(month.brier()));
        }
        image(
                section,
                ReportCharts.lines(
                        "score",
                        series,
                        List.of(
                                ReportCharts.marker(metrics.accuracy(), "held-out accuracy", true),
                                ReportCharts.marker(metrics.macroF1(), "held-out macro F1", true))),
                "Realised accuracy and macro F1 by month of exit",
                ReportCharts.WIDTH,
                ReportCharts.HEIGHT);
        realised.byGroup().ifPresent(groups -> outcomesByGroup(section, groups, heldOut));
    }

    /** Realised figures of every group beside the held-out ones of the same group. */
    private static void outcomesByGroup(Element section, GroupMetrics realised, Optional<GroupMetrics> heldOut) {
        section.appendElement("h3").text("Realised by group, beside held-out");
        section.appendElement("p")
                .text(String.format(
                        Locale.ROOT,
                        "Every guest who left with a destination that has a class, all months together, by the groups "
                                + "the guests table gives them now; the held-out figures of the same group from "
                                + "model.json beside them. Groups with fewer than %d guests are withheld.",
                        realised.minGroupRows()));
        Element table = section.appendElement("table");
        row(
                table,
                "th",
                "attribute",
                "group",
                "guests",
                "accuracy",
                "macro F1",
                "Brier",
                "held-out rows",
                "held-out accuracy",
                "held-out macro F1",
                "held-out Brier");
        outcomeRow(
                table,
                "all",
                "every guest",
                realised.overall(),
                heldOut.map(GroupMetrics::overall).orElse(null));
        realised.attributes()
                .forEach((attribute, groups) -> groups.groups()
                        .forEach((group, scores) -> outcomeRow(
                                table,
                                attribute.replace('_', ' '),
                                group,
                                scores,
                                heldOut.map(h -> h.attributes().get(attribute))
                                        .map(a -> a.groups().get(group))
                                        .orElse(null))));
    }

    private static void outcomeRow(
            Element table, String attribute, String group, GroupMetrics.Scores realised, GroupMetrics.Scores heldOut) {
        Element tr = table.appendElement("tr");
        tr.appendElement("td").text(attribute);
        tr.appendElement("td").text(group);
        scoreCells(tr, realised);
        if (heldOut == null) {
            tr.appendElement("td").addClass("withheld").attr("colspan", "4").text("no held-out rows");
        } else {
            scoreCells(tr, heldOut);
        }
    }

    private static void scoreCells(Element tr, GroupMetrics.Scores scores) {
        tr.appendElement("td").text(String.format(Locale.ROOT, "%,d", scores.rows()));
        if (scores.tooSmall()) {
            tr.appendElement("td").addClass("withheld").attr("colspan", "3").text("too small");
            return;
        }
        tr.appendElement("td").text(share(scores.accuracy()));
        tr.appendElement("td").text(share(scores.macroF1()));
        tr.appendElement("td").text(share(scores.brier()));
    }

    /** F1 of always predicting the majority class, on that class: precision = its share, recall 1. */
    private static double baselineF1(double majorityShare) {
        return 2 * majorityShare / (1 + majorityShare);
    }

    private static double actualShare(ClassificationMetrics metrics, String label) {
        int index = List.copyOf(metrics.perClassF1().keySet()).indexOf(label);
        long total = metrics.evaluatedRows();
        long ofClass = metrics.confusionMatrix().get(index).stream()
                .mapToLong(Long::longValue)
                .sum();
        return (double) ofClass / total;
    }

    private static void row(Element table, String cell, String... values) {
        Element tr = table.appendElement("tr");
        for (String value : values) {
            tr.appendElement(cell).text(value);
        }
    }

    private static String share(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%.3f", value);
    }
}
