package org.hmis.predictions.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.csv.CsvFormatException;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.explain.ReasonCatalog;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestKey;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.common.s3.StoredObject;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.training.FeatureMatrix;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.trees.WorkerPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The step on a real S3 API with a real model trained on generated guests. */
class PredictStepTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final String MODEL = "exit-destination";
    private static final int PART_ROWS = 12_000;

    private static ObjectStore store;
    private static String bucket;
    private static StoredModel model;
    private static byte[] part;

    @BeforeAll
    static void setUp() throws Exception {
        store = TrainedModel.objectStore(S3);
        bucket = S3.bucket();
        model = TrainedModel.train(PG, "guests", 12_000, 5, 40, MODEL);
        ModelFiles.upload(model, store, bucket);
        part = TrainedModel.wrangledPart(PART_ROWS, 101);
    }

    @AfterAll
    static void closeModels() {
        store.close();
    }

    private static PredictStep step(String modelName, int batchRows) {
        return step(new ServedModel(store, bucket, modelName), batchRows);
    }

    private static PredictStep step(ServedModel current, int batchRows) {
        return new PredictStep(
                store, bucket, current, batchRows, Optional.of(ReasonCatalog.bundled()), WorkerPool.create(1));
    }

    private static String wrangledKey(String run, int number) {
        return "wrangled/20261123T1015" + run + "Z-3f9a/part-" + String.format("%05d", number) + ".csv";
    }

    private static String predictionsKey(String wrangledKey) {
        return RunKeys.requirePart(wrangledKey, RunKeys.Stage.WRANGLED)
                .asPredictions()
                .key();
    }

    private static ObjectRef put(String key, byte[] content, String specVersion) {
        TrainedModel.putWrangled(store, bucket, key, content, specVersion);
        return new ObjectRef(bucket, key);
    }

    private static byte[] bytes(String key) throws IOException {
        try (InputStream in = store.open(bucket, key)) {
            return in.readAllBytes();
        }
    }

    private static void assertNothingWritten(String wrangledKey) {
        assertTrue(
                store.head(bucket, predictionsKey(wrangledKey)).isEmpty(), "no predictions object for " + wrangledKey);
    }

    private static List<PredictionsCsv.Row> predictions(String key) throws IOException {
        List<PredictionsCsv.Row> rows = new ArrayList<>();
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(
                new InputStreamReader(store.open(bucket, key), StandardCharsets.UTF_8), key, PredictionsCsv.FORMAT)) {
            for (PredictionsCsv.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** LightGBM's own probabilities for the part's rows, row after row. */
    private static double[] lightGbmsOwn(byte[] wrangled, StoredModel artifact) throws IOException {
        FeatureMatrix matrix = FeatureMatrix.readWrangled(
                new ByteArrayInputStream(wrangled), "reference", FeatureSpec.V1.featureNames());
        try (LightGbmBooster lightGbm = LightGbmBooster.load(artifact.modelText())) {
            return lightGbm.predict(matrix.rowMajor(), matrix.rows(), LightGbmBooster.Output.NORMAL);
        }
    }

    private static List<GuestKey> keys(byte[] wrangled) throws IOException {
        List<GuestKey> keys = new ArrayList<>();
        try (WrangledCsv.RowReader reader =
                WrangledCsv.reader(new ByteArrayInputStream(wrangled), "keys", FeatureSpec.V1.featureNames())) {
            while (reader.next()) {
                keys.add(reader.key());
            }
        }
        return keys;
    }

    /** The engine's probabilities equal LightGBM's within 1e-15, and the label is LightGBM's argmax. */
    private static void assertSameAsLightGbm(List<PredictionsCsv.Row> rows, double[] expected) {
        int classes = PredictionsCsv.CLASSES.size();
        assertEquals(expected.length / classes, rows.size());
        for (int row = 0; row < rows.size(); row++) {
            double[] actual = rows.get(row).probabilities();
            int best = 0;
            for (int c = 0; c < actual.length; c++) {
                double reference = expected[row * classes + c];
                assertEquals(reference, actual[c], 1e-15, "row " + row + " class " + c);
                if (reference > expected[row * classes + best]) {
                    best = c;
                }
            }
            assertEquals(PredictionsCsv.CLASSES.get(best), rows.get(row).predicted(), "row " + row);
        }
    }

    @Test
    void predictionsThroughTheStepAreLightGbmsOwnPredictionsOfTheSameMatrix() throws Exception {
        String key = wrangledKey("00", 3);
        PredictStep.PartResult result = step(MODEL, 1_000).predict(put(key, part, "v1"));

        String outputKey = "predictions/20261123T101500Z-3f9a/part-00003.csv";
        assertEquals(new ObjectRef(bucket, outputKey), result.predictions());
        assertEquals(PART_ROWS, result.rows());
        List<PredictionsCsv.Row> rows = predictions(outputKey);
        double[] expected = lightGbmsOwn(part, model);
        assertSameAsLightGbm(rows, expected);
        List<GuestKey> keys = keys(part);
        for (int row = 0; row < rows.size(); row++) {
            assertEquals(
                    keys.get(row),
                    new GuestKey(rows.get(row).personalId(), rows.get(row).enrollDate()));
        }
        long[] perClass = new long[PredictionsCsv.CLASSES.size()];
        rows.forEach(r -> perClass[PredictionsCsv.CLASSES.indexOf(r.predicted())]++);
        assertTrue(
                Arrays.stream(perClass).allMatch(n -> n > 0),
                "every class predicted somewhere: " + Arrays.toString(perClass));

        StoredObject written = store.head(bucket, outputKey).orElseThrow();
        String modelEtag =
                store.head(bucket, RunKeys.modelKey(MODEL)).orElseThrow().etag();
        assertEquals(
                Map.of(
                        "model",
                        MODEL,
                        "model-etag",
                        modelEtag,
                        "run-id",
                        "20261123T101500Z-3f9a",
                        "rows",
                        Integer.toString(PART_ROWS),
                        "predictions-format",
                        PredictionsCsv.V3,
                        // The part's lineage, which update holds it to: the wrangled part read, its ETag and rows.
                        "source-part",
                        key,
                        "source-etag",
                        store.head(bucket, key).orElseThrow().etag(),
                        "source-rows",
                        Integer.toString(PART_ROWS)),
                written.metadata());
        assertEquals(modelEtag, result.modelEtag());
    }

    @Test
    void theSameInputGivesTheSameBytes() throws Exception {
        String key = wrangledKey("01", 0);
        ObjectRef wrangled = put(key, part, "v1");
        PredictStep first = step(MODEL, 5_000);
        first.predict(wrangled);
        byte[] once = bytes(predictionsKey(key));
        String etag = store.head(bucket, predictionsKey(key)).orElseThrow().etag();
        first.predict(wrangled);
        assertArrayEquals(once, bytes(predictionsKey(key)));
        step(MODEL, 777).predict(wrangled);
        assertArrayEquals(once, bytes(predictionsKey(key)), "the batch size does not change the output");
        assertEquals(etag, store.head(bucket, predictionsKey(key)).orElseThrow().etag());
    }

    @Test
    void aHeaderThatIsNotTheModelsFeaturesIsRefusedNamingTheDifference() {
        String text = new String(Arrays.copyOf(part, 20_000), StandardCharsets.UTF_8);
        String header = text.substring(0, text.indexOf('\n'));
        String changed = header.replace(",tanf,", ",tanf2,").replace(",is_female,is_male,", ",is_male,is_female,");
        String key = wrangledKey("02", 0);
        ObjectRef wrangled = put(
                key,
                (changed + text.substring(header.length(), text.lastIndexOf('\n') + 1))
                        .getBytes(StandardCharsets.UTF_8),
                "v1");
        CsvFormatException e =
                assertThrows(CsvFormatException.class, () -> step(MODEL, 1_000).predict(wrangled));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains("missing: tanf;"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected: tanf2"), e.getMessage());
        assertTrue(e.getMessage().contains("misplaced: 'is_"), e.getMessage());
        assertNothingWritten(key);
    }

    @Test
    void aWrangledPartCutShortOfTheRowsItsMetadataSaysIsRefused() throws IOException {
        String key = wrangledKey("04", 0);
        String text = new String(part, StandardCharsets.UTF_8);
        // Cut at a line boundary: every row left reads well, but the part is not what wrangle wrote.
        int half = text.indexOf('\n', text.length() / 2) + 1;
        try (ObjectUpload upload = store.upload(bucket, key)) {
            upload.write(text.substring(0, half).getBytes(StandardCharsets.UTF_8));
            upload.commit(Map.of(
                    ObjectMetadata.FEATURE_SPEC_VERSION, "v1", ObjectMetadata.ROWS, Integer.toString(PART_ROWS)));
        }
        CsvFormatException e =
                assertThrows(CsvFormatException.class, () -> step(MODEL, 1_000).predict(new ObjectRef(bucket, key)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains("but its metadata rows says " + PART_ROWS), e.getMessage());
        assertNothingWritten(key);
    }

    @Test
    void aPartWrangledWithAnotherSpecificationIsRefused() {
        String key = wrangledKey("03", 0);
        ObjectRef wrangled = put(key, part, "v2");
        CsvFormatException e =
                assertThrows(CsvFormatException.class, () -> step(MODEL, 1_000).predict(wrangled));
        assertTrue(e.getMessage().contains("wrangled with feature specification v2"), e.getMessage());
        assertTrue(e.getMessage().contains("the model reads v1"), e.getMessage());
        assertNothingWritten(key);
    }

    @Test
    void aModelWhoseFeaturesAreNotThoseOfTheSpecificationItNamesIsRefused() {
        ModelManifest m = model.manifest();
        ModelFiles.upload(new StoredModel(model.modelText(), renamed(m, "spec-v2", "v2", m.features())), store, bucket);
        ModelFiles.upload(new StoredModel(model.modelText(), renamed(m, "spec-v9", "v9", m.features())), store, bucket);
        List<String> swapped = new ArrayList<>(m.features());
        swapped.set(0, m.features().get(1));
        swapped.set(1, m.features().get(0));
        ModelFiles.upload(new StoredModel(model.modelText(), renamed(m, "reordered", "v1", swapped)), store, bucket);

        String key = wrangledKey("04", 0);
        ObjectRef wrangled = put(key, part, "v1");
        InvalidModelException version = assertThrows(
                InvalidModelException.class, () -> step("spec-v2", 1_000).predict(wrangled));
        assertTrue(
                version.getMessage()
                        .contains("models/spec-v2/model.json lists features that are not those of feature "
                                + "specification v2: "),
                version.getMessage());
        assertTrue(
                version.getMessage().contains("is_white"), "names a feature v2 does not have: " + version.getMessage());
        InvalidModelException unknown = assertThrows(
                InvalidModelException.class, () -> step("spec-v9", 1_000).predict(wrangled));
        assertTrue(
                unknown.getMessage().contains("unknown feature specification version 'v9'; known versions: v1, v2"),
                unknown.getMessage());
        InvalidModelException order = assertThrows(
                InvalidModelException.class, () -> step("reordered", 1_000).predict(wrangled));
        assertTrue(order.getMessage().contains("misplaced: '"), order.getMessage());
        assertNothingWritten(key);
    }

    private static ModelManifest renamed(ModelManifest m, String name, String specVersion, List<String> features) {
        return new ModelManifest(
                name,
                specVersion,
                features,
                m.classLabels(),
                m.trainedAt(),
                m.trainRows(),
                m.testRows(),
                m.metrics(),
                m.lightGbmParameters());
    }

    @Test
    void aMissingModelIsNamed() {
        String key = wrangledKey("05", 0);
        ObjectRef wrangled = put(key, part, "v1");
        ModelNotFoundException e = assertThrows(
                ModelNotFoundException.class, () -> step("absent", 1_000).predict(wrangled));
        assertTrue(
                e.getMessage().contains("s3://" + bucket + "/models/absent/model.txt does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("MODEL_NAME"), e.getMessage());
        assertNothingWritten(key);
    }

    @Test
    void anUnreadableModelIsRefused() {
        ModelManifest m = model.manifest();
        ModelManifest broken = new ModelManifest(
                "broken",
                "v1",
                m.features(),
                m.classLabels(),
                m.trainedAt(),
                m.trainRows(),
                m.testRows(),
                m.metrics(),
                m.lightGbmParameters());
        String key = wrangledKey("06", 0);
        ObjectRef wrangled = put(key, part, "v1");

        ModelFiles.upload(new StoredModel("this is not a LightGBM model\n", broken), store, bucket);
        InvalidModelException garbage = assertThrows(
                InvalidModelException.class, () -> step("broken", 1_000).predict(wrangled));
        assertTrue(
                garbage.getMessage().contains("model.txt is not a LightGBM model the engine evaluates"),
                garbage.getMessage());

        String text = model.modelText();
        ModelFiles.upload(new StoredModel(text.substring(0, text.length() / 2), broken), store, bucket);
        InvalidModelException truncated = assertThrows(
                InvalidModelException.class, () -> step("broken", 1_000).predict(wrangled));
        assertTrue(
                truncated.getMessage().contains("model.txt is not a LightGBM model the engine evaluates"),
                truncated.getMessage());

        store.putBytes(
                bucket, RunKeys.modelKey("broken"), text.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
        store.putBytes(
                bucket,
                RunKeys.manifestKey("broken"),
                "{\"model_name\": \"broken\"".getBytes(StandardCharsets.UTF_8),
                "application/json",
                Map.of());
        InvalidModelException manifest = assertThrows(
                InvalidModelException.class, () -> step("broken", 1_000).predict(wrangled));
        assertTrue(manifest.getMessage().contains("model.json is not a valid model manifest"), manifest.getMessage());
        assertNothingWritten(key);
    }

    /** The part with line {@code lineNumber} (1 = header) replaced. */
    private static byte[] withLine(byte[] content, int lineNumber, java.util.function.UnaryOperator<String> change) {
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", -1);
        lines[lineNumber - 1] = change.apply(lines[lineNumber - 1]);
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void malformedRowsAfterWholeBatchesAreRefusedNamingLineAndColumnAndWriteNothing() {
        String shortKey = wrangledKey("07", 0);
        ObjectRef shortRow =
                put(shortKey, withLine(part, 9_500, line -> line.substring(0, line.lastIndexOf(','))), "v1");
        CsvFormatException fields =
                assertThrows(CsvFormatException.class, () -> step(MODEL, 1_000).predict(shortRow));
        assertTrue(fields.getMessage().contains(shortKey + " line 9500: expected 51 fields"), fields.getMessage());
        assertTrue(fields.getMessage().contains("found 50"), fields.getMessage());
        assertNothingWritten(shortKey);

        String textKey = wrangledKey("07", 1);
        ObjectRef text = put(
                textKey,
                withLine(part, 11_001, line -> {
                    String[] fields2 = line.split(",", -1);
                    fields2[4] = "abc";
                    return String.join(",", fields2);
                }),
                "v1");
        CsvFormatException number =
                assertThrows(CsvFormatException.class, () -> step(MODEL, 1_000).predict(text));
        assertTrue(
                number.getMessage().contains(textKey + " line 11001, column 5 (current_age): 'abc' is not a number"),
                number.getMessage());
        assertNothingWritten(textKey);
    }

    @Test
    void theModelIsReloadedOnlyWhenItsObjectChanges() throws Exception {
        ModelManifest m = model.manifest();
        ModelFiles.upload(
                new StoredModel(
                        model.modelText(),
                        new ModelManifest(
                                "reloading",
                                "v1",
                                m.features(),
                                m.classLabels(),
                                m.trainedAt(),
                                m.trainRows(),
                                m.testRows(),
                                m.metrics(),
                                m.lightGbmParameters())),
                store,
                bucket);
        String key = wrangledKey("08", 0);
        ObjectRef wrangled = put(key, part, "v1");
        ServedModel current = new ServedModel(store, bucket, "reloading");
        PredictStep step = step(current, 2_000);

        PredictStep.PartResult first = step.predict(wrangled);
        step.predict(wrangled);
        assertEquals(1, current.loads(), "one load while the model is unchanged");

        StoredModel retrained = TrainedModel.train(PG, "guests_retrained", 6_000, 9, 25, "reloading");
        ModelFiles.upload(retrained, store, bucket);
        PredictStep.PartResult second = step.predict(wrangled);
        assertEquals(2, current.loads());
        assertNotEquals(first.modelEtag(), second.modelEtag());
        assertEquals(
                store.head(bucket, RunKeys.modelKey("reloading")).orElseThrow().etag(), second.modelEtag());
        assertEquals(
                second.modelEtag(),
                store.head(bucket, predictionsKey(key)).orElseThrow().metadata().get("model-etag"));
        assertSameAsLightGbm(predictions(predictionsKey(key)), lightGbmsOwn(part, retrained));
        step.predict(wrangled);
        assertEquals(2, current.loads());
    }

    @Test
    void objectsThatAreNotWrangledPartsAreSkippedAndSaidSo() {
        String key = wrangledKey("09", 2);
        put(key, part, "v1");
        ObjectRef rejected = new ObjectRef(bucket, "wrangled/20261123T101509Z-3f9a/rejected.csv");
        ObjectRef predictionsPart = new ObjectRef(bucket, "predictions/20261123T101509Z-3f9a/part-00000.csv");
        PredictStep.Summary summary =
                step(MODEL, 4_000).run(List.of(rejected, new ObjectRef(bucket, key), predictionsPart));
        assertEquals(1, summary.parts().size());
        assertEquals(PART_ROWS, summary.rows());
        assertEquals(
                List.of(rejected.toString(), predictionsPart.toString()),
                summary.skipped().stream().map(PredictStep.Skipped::source).toList());
        assertTrue(
                summary.skipped().get(0).reason().contains("not a wrangled part"),
                summary.skipped().get(0).reason());
        assertEquals(List.of(), summary.failed());
    }

    @Test
    void aFailedPartFailsTheInvocationButTheOthersAreWritten() {
        String bad = wrangledKey("10", 0);
        String good = wrangledKey("10", 1);
        put(bad, withLine(part, 2, line -> "x" + line), "v1");
        put(good, part, "v1");
        PredictFailedException e = assertThrows(
                PredictFailedException.class,
                () -> step(MODEL, 4_000).run(List.of(new ObjectRef(bucket, bad), new ObjectRef(bucket, good))));
        assertTrue(e.getMessage().startsWith("1 of 2 wrangled parts could not be predicted"), e.getMessage());
        assertTrue(e.getMessage().contains(bad + " line 2, column 1 (personal_id)"), e.getMessage());
        assertEquals(1, e.summary().parts().size());
        assertNothingWritten(bad);
        assertTrue(store.head(bucket, predictionsKey(good)).isPresent());
    }
}
