package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.explain.ReasonCatalog;
import org.hmis.predictions.common.explain.Reasons;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.SyntheticWrangledPart;
import org.junit.jupiter.api.Test;

/**
 * The template refuses a {@code PartRows} its functions cannot hold: a part must fit the /tmp of the functions that
 * spool it (wrangle holds two parts at once: one uploading while the next is written; predict spools its predictions
 * part), and be predicted and applied within the predict and update functions' timeouts. The row sizes are measured
 * here on generated guests; the rates are the benchmark's as README's table of measurements has them (its
 * {@code predict_explained} and {@code update} lines, measured on one core), so a new measurement there moves the limit
 * with it; they are halved for a Lambda vCPU that may be slower and for a database busier than the benchmark's.
 */
class PartRowsLimitTest {
    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEPLOYMENT = Deployments.defaults(TEMPLATE);

    /** Lambda's /tmp without EphemeralStorage. */
    private static final long DEFAULT_TMP_MB = 512;
    /** /tmp is shared with what the runtime and the JVM put there. */
    private static final double TMP_SHARE = 0.8;

    private static final Path README = Template.DIRECTORY.resolveSibling("README.md");
    /** A Lambda vCPU may be slower than the benchmark's core, and the database busier. */
    private static final double BENCHMARK_SHARE = 0.5;
    /** Taken off a function's timeout: a cold start, reading the part, and the margin the deadline keeps. */
    private static final long SECONDS_NOT_WORKING = 30;

    @Test
    void partRowsCannotExceedWhatTmpAndTheTimeoutsHold() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        double predictRowsPerS = benchmarkRowsPerSecond(readme, "predict_explained") * BENCHMARK_SHARE;
        double updateRowsPerS = benchmarkRowsPerSecond(readme, "update") * BENCHMARK_SHARE;
        double wrangledBytesPerRow = longestWrangledRow();
        double predictionsBytesPerRow = longestPredictionsRow();
        long wrangleTmp = tmpBytes("WrangleFunction");
        long predictTmp = tmpBytes("PredictFunction");
        long byWrangleTmp = (long) (wrangleTmp * TMP_SHARE / (2 * wrangledBytesPerRow));
        long byPredictTmp = (long) (predictTmp * TMP_SHARE / predictionsBytesPerRow);
        long byPredictTime = (long) ((timeout("PredictFunction") - SECONDS_NOT_WORKING) * predictRowsPerS);
        long byUpdateTime = (long) ((timeout("UpdateDbFunction") - SECONDS_NOT_WORKING) * updateRowsPerS);
        long limit = Math.min(Math.min(byWrangleTmp, byPredictTmp), Math.min(byPredictTime, byUpdateTime));
        long maxValue = Long.parseLong(
                String.valueOf(TEMPLATE.parameters().get("PartRows").get("MaxValue")));
        String figures = String.format(
                Locale.ROOT,
                "predict %.0f, update %.0f rows/s; wrangled %.0f B/row, predictions %.0f B/row; limits: wrangle /tmp %d, predict /tmp %d,"
                        + " predict time %d, update time %d rows; PartRows MaxValue %d",
                predictRowsPerS,
                updateRowsPerS,
                wrangledBytesPerRow,
                predictionsBytesPerRow,
                byWrangleTmp,
                byPredictTmp,
                byPredictTime,
                byUpdateTime,
                maxValue);
        System.out.println(figures);
        assertTrue(maxValue <= limit, "PartRows may exceed what the functions hold: " + figures);
        assertTrue(maxValue >= limit / 4, "PartRows is refused far below what the functions hold: " + figures);
        long defaultValue = Long.parseLong(
                String.valueOf(TEMPLATE.parameters().get("PartRows").get("Default")));
        assertTrue(defaultValue <= maxValue, "the default is allowed");
    }

    /**
     * The rows per second of the benchmark line named {@code line} in README's table of measurements (a row
     * {@code | line ... | rows | rows/s | ...}; the line's name may be followed by a note in parentheses).
     */
    static double benchmarkRowsPerSecond(String readme, String line) {
        Pattern row = Pattern.compile(
                "^\\| " + Pattern.quote(line) + "(?: \\([^|]*\\))? \\| [0-9,]+ \\| ([0-9,]+) \\|", Pattern.MULTILINE);
        Matcher matcher = row.matcher(readme);
        assertTrue(matcher.find(), "README.md's benchmark table has no line '" + line + "' with its rows/s");
        return Double.parseDouble(matcher.group(1).replace(",", ""));
    }

    /** The longest row of a wrangled part of generated guests, in bytes. */
    private static double longestWrangledRow() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SyntheticWrangledPart.write(GuestGenerator.builder().seed(20261202L).build(), 20_000, FeatureSpec.V1, out);
        return out.toString(StandardCharsets.UTF_8)
                .lines()
                .skip(1)
                .mapToInt(line -> line.length() + 1)
                .max()
                .orElseThrow();
    }

    /**
     * The longest predictions row: the widest key, probabilities and contributions written at full precision, and
     * reasons naming the features with the longest texts at the largest values.
     */
    private static double longestPredictionsRow() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Random random = new Random(7);
        List<String> features = FeatureSpec.V1.featureNames();
        Reasons reasons = new Reasons(features, ReasonCatalog.bundled());
        double[] values = new double[features.size()];
        double[] contributions = new double[features.size() + 1];
        StringBuilder json = new StringBuilder();
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            PredictionsCsv.CsvWriter csv = new PredictionsCsv.CsvWriter(writer);
            double[] p = new double[PredictionsCsv.CLASSES.size()];
            for (int row = 0; row < 10_000; row++) {
                for (int k = 0; k < p.length; k++) {
                    p[k] = random.nextDouble() * 1e-5;
                }
                for (int f = 0; f < features.size(); f++) {
                    values[f] = 1e6 + random.nextDouble();
                    contributions[f] = (random.nextDouble() - 0.7) * 1e-5;
                }
                json.setLength(0);
                reasons.appendJson(values, 0, contributions, 0, json);
                csv.write(Integer.MIN_VALUE + row, "2026-11-23", row % p.length, p, 0, json);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8)
                .lines()
                .skip(1)
                .mapToInt(line -> line.length() + 1)
                .max()
                .orElseThrow();
    }

    private static long tmpBytes(String function) {
        Object storage = TEMPLATE.properties(function).get("EphemeralStorage");
        long mb =
                storage == null ? DEFAULT_TMP_MB : Long.parseLong(DEPLOYMENT.string(((Map<?, ?>) storage).get("Size")));
        return mb * 1024 * 1024;
    }

    private static long timeout(String function) {
        return Long.parseLong(DEPLOYMENT.string(TEMPLATE.properties(function).get("Timeout")));
    }
}
