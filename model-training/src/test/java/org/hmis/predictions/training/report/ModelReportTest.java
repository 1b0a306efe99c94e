package org.hmis.predictions.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.training.CalibrationCurves;
import org.hmis.predictions.training.GroupMetrics;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.RealisedOutcomes;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.SyntheticTrainingData;
import org.hmis.predictions.training.TrainingParameters;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a small model trained on synthetic rows, opened again as HTML. */
class ModelReportTest {
    static final List<String> SECTIONS = List.of(
            "summary",
            "confusion-matrix",
            "per-class",
            "by-group",
            "calibration",
            "feature-importance",
            "drift",
            "outcomes");

    private static StoredModel model;

    @TempDir
    Path directory;

    @BeforeAll
    static void train() {
        model = new ModelTrainer(new TrainingParameters(10, 0.1, 7, 3, 1, 0.2))
                .train("report-model", "v1", SyntheticTrainingData.generate(3_000, 8));
    }

    /** Each image's PNG, decoded. */
    static List<BufferedImage> images(Element section) throws IOException {
        List<BufferedImage> images = new java.util.ArrayList<>();
        for (Element img : section.select("img")) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "embedded, not linked: " + src.substring(0, 40));
            byte[] png = Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(Integer.parseInt(img.attr("width")), image.getWidth());
            assertFalse(img.attr("alt").isBlank());
            images.add(image);
        }
        return images;
    }

    @Test
    void aFreshModelsReportHasEverySectionWithItsChartsAndSaysWhatIsNotThereYet() throws Exception {
        Path file = new ModelReport(new LightGbmGainImportance())
                .write(model, Optional.empty(), RealisedOutcomes.none(), directory);
        assertEquals(directory.resolve("model-report.html"), file);
        Document html = Jsoup.parse(file.toFile());
        assertEquals("Model report: report-model", html.title());
        for (String id : SECTIONS) {
            assertEquals(1, html.select("section#" + id).size(), id);
        }
        assertTrue(html.select("link, script, img:not([src^=data:])").isEmpty(), "nothing to fetch: self-contained");
        assertEquals(1, images(html.selectFirst("#confusion-matrix")).size());
        assertEquals(1, images(html.selectFirst("#per-class")).size());
        // Two attributes, each with an accuracy and a share-predicted-perm chart and a table.
        assertEquals(4, images(html.selectFirst("#by-group")).size());
        assertEquals(
                List.of("gender", "age band at entry"),
                html.select("#by-group h3").eachText());
        assertEquals(1, images(html.selectFirst("#calibration")).size());
        assertEquals(1, images(html.selectFirst("#feature-importance")).size());
        assertTrue(html.selectFirst("#feature-importance").text().contains("LightGBM's gain"));
        assertEquals(
                "No runs yet: no run has measured drift against this model.",
                html.selectFirst("#drift .empty").text());
        assertEquals(
                "No outcomes yet: no guest with a prediction from this model has left.",
                html.selectFirst("#outcomes .empty").text());
        assertTrue(html.selectFirst("#drift").text().contains("training distribution of its 6 features"));

        GroupMetrics groups = GroupMetrics.of(model.manifest()).orElseThrow();
        Element summary = html.selectFirst("#summary table");
        assertEquals(
                String.format("%.3f", groups.overall().accuracy()),
                summary.select("tr").get(1).select("td").get(1).text());
        // The small age band is withheld in its table, not shown as figures.
        Element ageHeading = html.select("#by-group h3").last();
        Element ageTable = ageHeading.nextElementSiblings().select("table").first();
        Map<String, Boolean> withheld = new LinkedHashMap<>();
        for (Element row : ageTable.select("tr:has(td)")) {
            withheld.put(row.child(0).text(), !row.select("td.withheld").isEmpty());
        }
        Map<String, Boolean> expected = new LinkedHashMap<>();
        groups.attributes().get("age_band_at_entry").groups().forEach((group, s) -> expected.put(group, s.tooSmall()));
        assertEquals(expected, withheld);
    }

    @Test
    void drawsTheLatestRunsDriftAndTheOutcomesWhenThereAreAny() throws Exception {
        Map<String, Double> psi = new LinkedHashMap<>();
        model.manifest().features().forEach(f -> psi.put(f, 0.02));
        psi.put("earned_income", 0.4);
        GroupMetrics groups = GroupMetrics.of(model.manifest()).orElseThrow();
        List<OutcomeMonth> months = List.of(
                new OutcomeMonth(YearMonth.of(2026, 10), 120, 0.5, 0.4, 0.6),
                new OutcomeMonth(YearMonth.of(2026, 11), 80, 0.45, 0.35, 0.65));
        Document html = Jsoup.parse(new ModelReport(new LightGbmGainImportance())
                .html(
                        model,
                        Optional.of(new RunDrift("20261123T101500Z-3f9a", psi, List.of("earned_income"))),
                        new RealisedOutcomes(months, Optional.of(groups), 200)));
        assertTrue(html.select("#drift .empty, #outcomes .empty").isEmpty());
        assertTrue(html.selectFirst("#drift")
                .text()
                .contains("Run 20261123T101500Z-3f9a: 1 of 6 features shifted beyond chance"));
        assertEquals(1, images(html.selectFirst("#drift")).size());
        assertEquals(1, images(html.selectFirst("#outcomes")).size());
        assertEquals(
                List.of("held-out households (model.json)", "2026-10", "2026-11"),
                html.select("#outcomes table").first().select("tr td:eq(0)").eachText());
        // Realised by group beside held-out: here the same figures on both sides, so each row's halves agree.
        Element byGroup = html.select("#outcomes table").get(1);
        Element all = byGroup.select("tr:has(td)").first();
        assertEquals("all", all.child(0).text());
        assertEquals(
                all.select("td").subList(2, 6).stream().map(Element::text).toList(),
                all.select("td").subList(6, 10).stream().map(Element::text).toList());
        assertEquals(
                String.format("%.3f", groups.overall().accuracy()), all.child(3).text());
    }

    @Test
    void aModelTrainedBeforeGroupMetricsSaysSoInsteadOfFailing() throws Exception {
        ModelManifest m = model.manifest();
        ObjectNode overallOnly = (ObjectNode) m.metrics().deepCopy();
        overallOnly.remove(List.of(GroupMetrics.KEY, CalibrationCurves.KEY));
        ModelManifest old = new ModelManifest(
                m.modelName(),
                m.featureSpecVersion(),
                m.features(),
                m.classLabels(),
                m.trainedAt(),
                m.trainRows(),
                m.testRows(),
                overallOnly,
                m.lightGbmParameters());
        Document html = Jsoup.parse(new ModelReport(new LightGbmGainImportance())
                .html(new StoredModel(model.modelText(), old), Optional.empty(), RealisedOutcomes.none()));
        assertTrue(html.selectFirst("#by-group .empty").text().contains("no metrics by group"));
        assertTrue(html.selectFirst("#calibration .empty").text().contains("no calibration curves"));
        assertTrue(html.selectFirst("#drift").text().contains("no drift baseline"));
        assertEquals(1, images(html.selectFirst("#confusion-matrix")).size());
    }
}
