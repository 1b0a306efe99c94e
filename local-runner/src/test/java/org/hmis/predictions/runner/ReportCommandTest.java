package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.hmis.predictions.training.ClassificationMetrics;
import org.hmis.predictions.training.GroupMetrics;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The report of the model the demo ships, written by the command and opened again as HTML. */
class ReportCommandTest {
    @TempDir
    Path directory;

    @Test
    void theDemoModelsReportHasEverySectionAndItsChartsEmbedded() throws Exception {
        StoredModel demo = ModelFiles.readResource(DemoCommand.BUNDLED_MODEL);
        Path model = directory.resolve("model");
        ModelFiles.write(demo, model);
        Path out = directory.resolve("report");
        StringWriter printed = new StringWriter();
        int exitCode = new CommandLine(new Main())
                .setOut(new PrintWriter(printed))
                .execute("report", "--model", model.toString(), "--out", out.toString());
        assertEquals(0, exitCode, printed.toString());
        Path file = out.resolve("model-report.html");
        assertTrue(printed.toString().contains("Wrote the model report " + file), printed.toString());

        Document html = Jsoup.parse(file.toFile());
        assertEquals("Model report: exit-destination", html.title());
        assertEquals(
                List.of(
                        "summary",
                        "confusion-matrix",
                        "per-class",
                        "by-group",
                        "calibration",
                        "feature-importance",
                        "drift",
                        "outcomes"),
                html.select("section").eachAttr("id"));
        assertTrue(
                html.select("script, link, img:not([src^=data:image/png;base64,])")
                        .isEmpty(),
                "self-contained");
        int images = 0;
        for (Element img : html.select("img")) {
            String src = img.attr("src");
            BufferedImage png = ImageIO.read(
                    new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
            assertEquals(Integer.parseInt(img.attr("width")), png.getWidth(), img.attr("alt"));
            images++;
        }
        // Confusion matrix, per class, two per attribute (5), calibration, importance; no run, no outcomes yet.
        assertEquals(1 + 1 + 2 * 5 + 1 + 1, images);
        assertEquals(
                List.of("race", "ethnicity", "gender", "household type", "age band at entry"),
                html.select("#by-group h3").eachText());
        assertTrue(html.selectFirst("#drift .empty").text().startsWith("No runs yet"));
        assertTrue(html.selectFirst("#outcomes .empty").text().startsWith("No outcomes yet"));

        ClassificationMetrics metrics = ClassificationMetrics.of(demo.manifest());
        GroupMetrics groups = GroupMetrics.of(demo.manifest()).orElseThrow();
        List<String> summary = html.select("#summary tr:eq(1) td").eachText();
        assertEquals(
                List.of(
                        "accuracy",
                        String.format("%.3f", metrics.accuracy()),
                        String.format("%.3f", metrics.majorityBaselineAccuracy())),
                summary);
        assertEquals(metrics.accuracy(), groups.overall().accuracy(), 1e-12);
        assertTrue(
                html.selectFirst("p.note").text().startsWith("This model reads no protected attribute"),
                "the v3 demo model says so");
    }

    @Test
    void theModelComesFromADirectoryOrS3AndTheOutputIsRequired() {
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new Main()).setErr(new PrintWriter(err));
        assertEquals(2, line.execute("report", "--model", directory.toString()));
        assertTrue(err.toString().contains("Missing required option: '--out=<out>'"), err.toString());
        assertEquals(2, line.execute("report", "--model", directory.toString(), "--s3", "--out", "x"));
        assertTrue(err.toString().contains("mutually exclusive"), err.toString());
    }
}
