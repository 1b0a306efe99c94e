package org.hmis.predictions.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.explain.ReasonCatalog;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.training.FeatureMatrix;
import org.hmis.predictions.training.GroupAttributes;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.TrainingData;
import org.hmis.predictions.training.TrainingParameters;
import org.hmis.predictions.trees.TreeEnsemble;
import org.hmis.predictions.trees.WorkerPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reasons and risk the step writes beside each prediction, on a real S3 API with real trained models. */
class PredictReasonsTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FEATURES = FeatureSpec.V1.featureNames();
    private static final int EARNED_INCOME = FEATURES.indexOf("earned_income");
    private static final int PERM = ExitDestinationClasses.LABELS.indexOf("perm");
    private static final int ES = ExitDestinationClasses.LABELS.indexOf("es");

    private static ObjectStore store;
    private static String bucket;
    private static WorkerPool workers;

    @BeforeAll
    static void setUp() {
        store = TrainedModel.objectStore(S3);
        bucket = S3.bucket();
        workers = WorkerPool.create(2);
    }

    @AfterAll
    static void close() {
        workers.close();
        store.close();
    }

    private static PredictStep step(String model, boolean explain) {
        return new PredictStep(
                store,
                bucket,
                new ServedModel(store, bucket, model),
                1_000,
                explain ? Optional.of(ReasonCatalog.bundled()) : Optional.empty(),
                workers);
    }

    private static List<PredictionsCsv.Row> predict(PredictStep step, String run, byte[] wrangled) throws IOException {
        String key = "wrangled/20261202T0900" + run + "Z-aaaa/part-00000.csv";
        TrainedModel.putWrangled(store, bucket, key, wrangled, "v1");
        PredictStep.PartResult result = step.predict(new ObjectRef(bucket, key));
        assertEquals(
                PredictionsCsv.FORMAT,
                store.head(bucket, result.predictions().key())
                        .orElseThrow()
                        .metadata()
                        .get(ObjectMetadata.PREDICTIONS_FORMAT),
                "the part names its columns' version");
        List<PredictionsCsv.Row> rows = new ArrayList<>();
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(
                new InputStreamReader(store.open(bucket, result.predictions().key()), StandardCharsets.UTF_8), key)) {
            assertEquals(PredictionsCsv.V2, reader.format());
            for (PredictionsCsv.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** Guests alike in every feature but earned income; the label follows income alone. */
    private static StoredModel incomeOnlyModel(String name) {
        int rows = 4_000;
        Random random = new Random(7);
        double[] matrix = new double[rows * FEATURES.size()];
        int[] labels = new int[rows];
        long[] households = new long[rows];
        for (int row = 0; row < rows; row++) {
            boolean earns = random.nextBoolean();
            matrix[row * FEATURES.size() + EARNED_INCOME] = earns ? 500 + random.nextInt(2_500) : 0;
            // Mostly, not always: a perfectly separable set gives LightGBM nothing to learn after the first split.
            boolean housed = earns ? random.nextDouble() < 0.85 : random.nextDouble() < 0.15;
            labels[row] = housed ? PERM : ES;
            households[row] = row;
        }
        Map<String, String[]> groups = new HashMap<>();
        for (String attribute : GroupAttributes.SOURCE_COLUMNS) {
            String[] values = new String[rows];
            Arrays.fill(values, "all");
            groups.put(attribute, values);
        }
        String[] ages = new String[rows];
        Arrays.fill(ages, "30");
        groups.put(GroupAttributes.AGE_AT_ENROLLMENT, ages);
        return new ModelTrainer(new TrainingParameters(20, 0.2, 7, 7, 2, 0.2))
                .train(
                        name,
                        FeatureSpec.V1.version(),
                        new TrainingData(FEATURES, matrix, labels, households, new GroupAttributes(groups)));
    }

    private static byte[] wrangled(double... earnedIncomes) {
        StringBuilder csv = new StringBuilder("personal_id,enroll_date,").append(String.join(",", FEATURES));
        csv.append('\n');
        for (int guest = 0; guest < earnedIncomes.length; guest++) {
            csv.append(guest + 1).append(",2026-11-01");
            for (int f = 0; f < FEATURES.size(); f++) {
                csv.append(',').append(f == EARNED_INCOME ? Double.toString(earnedIncomes[guest]) : "0");
            }
            csv.append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whenOnlyEarnedIncomeDiffersItIsTheReasonWithTheRightSign() throws Exception {
        ModelFiles.upload(incomeOnlyModel("income-only"), store, bucket);

        List<PredictionsCsv.Row> rows = predict(step("income-only", true), "00", wrangled(0, 2_000));

        JsonNode none = JSON.readTree(rows.get(0).reasons());
        assertEquals(1, none.get("down").size(), "only earned income contributes: " + none);
        JsonNode down = none.get("down").get(0);
        assertEquals("earned_income", down.get("feature").asText());
        assertEquals(0.0, down.get("value").asDouble());
        assertTrue(down.get("contribution").asDouble() < 0, "no income pushes permanent housing down: " + down);
        assertEquals("no earned income at entry", down.get("text").asText());
        assertEquals(0, none.get("up").size(), "nothing pushes it up: " + none);

        JsonNode some = JSON.readTree(rows.get(1).reasons());
        assertEquals(0, some.get("down").size(), "nothing pushes it down: " + some);
        JsonNode up = some.get("up").get(0);
        assertEquals("earned_income", up.get("feature").asText());
        assertTrue(up.get("contribution").asDouble() > 0, "income pushes permanent housing up: " + up);
        assertEquals("earned income of $2,000 a month at entry", up.get("text").asText());

        assertTrue(rows.get(0).risk() > rows.get(1).risk(), "no income is the higher risk");
        for (PredictionsCsv.Row row : rows) {
            assertEquals(1.0 - row.probabilities()[PERM], row.risk(), 0.0);
        }
    }

    @Test
    void everyRowsReasonsAreItsLargestContributionsWhichAddUpToTheRawScore() throws Exception {
        StoredModel model = TrainedModel.train(PG, "guests", 6_000, 11, 30, "generated");
        ModelFiles.upload(model, store, bucket);
        byte[] part = TrainedModel.wrangledPart(3_000, 12);

        List<PredictionsCsv.Row> rows = predict(step("generated", true), "01", part);

        FeatureMatrix matrix = FeatureMatrix.readWrangled(new ByteArrayInputStream(part), "part", FEATURES);
        TreeEnsemble trees = TreeEnsemble.parse(model.modelText());
        int perRow = FEATURES.size() + 1;
        double[] contributions = new double[matrix.rows() * perRow];
        trees.classContributions(matrix.rowMajor(), matrix.rows(), PERM, contributions);
        double[] raw;
        try (LightGbmBooster lightGbm = LightGbmBooster.load(model.modelText())) {
            raw = lightGbm.predict(matrix.rowMajor(), matrix.rows(), LightGbmBooster.Output.RAW_SCORE);
        }
        int classes = ExitDestinationClasses.LABELS.size();
        assertEquals(matrix.rows(), rows.size());
        for (int row = 0; row < rows.size(); row++) {
            int at = row * perRow;
            double sum = 0;
            for (int f = 0; f < perRow; f++) {
                sum += contributions[at + f];
            }
            assertEquals(raw[row * classes + PERM], sum, 1e-9, "row " + row + ": contributions + expected value");

            List<Integer> order = IntStream.range(0, FEATURES.size())
                    .boxed()
                    .sorted(Comparator.comparingDouble(f -> contributions[at + f]))
                    .toList();
            JsonNode reasons = JSON.readTree(rows.get(row).reasons());
            JsonNode down = reasons.get("down");
            for (int i = 0; i < down.size(); i++) {
                int feature = order.get(i);
                assertEquals(FEATURES.get(feature), down.get(i).get("feature").asText(), "row " + row + " down " + i);
                assertEquals(
                        contributions[at + feature],
                        down.get(i).get("contribution").asDouble(),
                        1e-12);
            }
            long negative = IntStream.range(0, FEATURES.size())
                    .filter(f -> contributions[at + f] < 0)
                    .count();
            assertEquals(Math.min(3, negative), down.size(), "row " + row);
            int strongestUp = order.get(FEATURES.size() - 1);
            if (contributions[at + strongestUp] > 0) {
                assertEquals(
                        FEATURES.get(strongestUp),
                        reasons.get("up").get(0).get("feature").asText(),
                        "row " + row + " up");
            }
        }
    }

    @Test
    void withExplanationsOffThePartHasRiskButNoReasons() throws Exception {
        ModelFiles.upload(incomeOnlyModel("quiet"), store, bucket);

        List<PredictionsCsv.Row> rows = predict(step("quiet", false), "02", wrangled(0, 1_000, 3_000));

        assertEquals(3, rows.size());
        for (PredictionsCsv.Row row : rows) {
            assertNull(row.reasons());
            assertEquals(1.0 - row.probabilities()[PERM], row.risk(), 0.0);
        }
    }
}
