package org.hmis.predictions.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.explain.ReasonCatalog;
import org.hmis.predictions.common.explain.Reasons;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
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

/**
 * The risk and the reasons the step writes beside each prediction, from a risk model trained beside the five-class
 * one on generated guests in a real database, predicted through a real S3 API.
 */
class PredictReasonsTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "guests";

    private static ObjectStore store;
    private static String bucket;
    private static WorkerPool workers;
    private static final Map<String, RiskModels.Trained> MODELS = new HashMap<>();
    private static final Map<String, byte[]> PARTS = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        store = TrainedModel.objectStore(S3);
        bucket = S3.bucket();
        workers = WorkerPool.create(2);
        RiskModels.load(PG, TABLE, 8_000, 21);
        for (FeatureSpec spec : List.of(FeatureSpec.V1, FeatureSpec.V2, FeatureSpec.V3)) {
            RiskModels.Trained trained = RiskModels.train(PG, TABLE, spec, 30, 21, "risk-" + spec.version());
            RiskModels.upload(trained, store, bucket);
            MODELS.put(spec.version(), trained);
            PARTS.put(spec.version(), RiskModels.wrangledFromDatabase(PG, TABLE, spec));
        }
    }

    @AfterAll
    static void close() {
        workers.close();
        store.close();
    }

    private static PredictStep step(String model, int batchRows, boolean explain) {
        return new PredictStep(
                store,
                bucket,
                new ServedModel(store, bucket, model),
                batchRows,
                explain ? Optional.of(ReasonCatalog.bundled()) : Optional.empty(),
                workers);
    }

    private static String predict(PredictStep step, String run, String spec) throws IOException {
        String key = "wrangled/20261202T0900" + run + "Z-aaaa/part-00000.csv";
        TrainedModel.putWrangled(store, bucket, key, PARTS.get(spec), spec);
        PredictStep.PartResult result = step.predict(new ObjectRef(bucket, key));
        assertEquals(
                PredictionsCsv.V3,
                store.head(bucket, result.predictions().key())
                        .orElseThrow()
                        .metadata()
                        .get(ObjectMetadata.PREDICTIONS_FORMAT),
                "the part names its columns' version");
        return result.predictions().key();
    }

    private static byte[] bytes(String key) throws IOException {
        try (InputStream in = store.open(bucket, key)) {
            return in.readAllBytes();
        }
    }

    private static List<PredictionsCsv.Row> rows(String key) throws IOException {
        List<PredictionsCsv.Row> rows = new ArrayList<>();
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(
                new InputStreamReader(store.open(bucket, key), StandardCharsets.UTF_8), key, PredictionsCsv.V3)) {
            for (PredictionsCsv.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** The risk model's raw scores for the part's rows, as LightGBM itself computes them. */
    private static double[] lightGbmRawRisk(String spec) throws IOException {
        FeatureMatrix matrix = FeatureMatrix.readWrangled(
                new ByteArrayInputStream(PARTS.get(spec)),
                "part",
                FeatureSpec.forVersion(spec).featureNames());
        try (LightGbmBooster lightGbm = LightGbmBooster.load(MODELS.get(spec).riskModelText())) {
            return lightGbm.predict(matrix.rowMajor(), matrix.rows(), LightGbmBooster.Output.RAW_SCORE);
        }
    }

    @Test
    void onEveryRowTheReasonsAddUpToTheLogOddsOfTheRiskAndNeverCiteWhoAGuestIs() throws Exception {
        for (String spec : List.of("v1", "v2", "v3")) {
            FeatureSpec features = FeatureSpec.forVersion(spec);
            Set<String> identity = new HashSet<>();
            features.features().stream().filter(f -> !f.mayBeReason()).forEach(f -> identity.add(f.name()));
            assertEquals(spec.equals("v3"), identity.isEmpty(), spec + " has identity features unless v3");
            List<PredictionsCsv.Row> rows =
                    rows(predict(step("risk-" + spec, 1_000, true), "0" + spec.charAt(1), spec));
            double[] raw = lightGbmRawRisk(spec);
            assertEquals(raw.length, rows.size(), spec);
            int shown = 0;
            for (int r = 0; r < rows.size(); r++) {
                String where = spec + " row " + r;
                PredictionsCsv.Row row = rows.get(r);
                JsonNode reasons = JSON.readTree(row.reasons());
                double logOdds = reasons.get("log_odds").asDouble();
                assertEquals(raw[r], logOdds, 1e-9, where + ": the log-odds is the risk model's raw score");
                assertEquals(Math.log(row.risk() / (1 - row.risk())), logOdds, 1e-9, where + ": risk is its sigmoid");
                double sum =
                        reasons.get("expected").asDouble() + reasons.get("rest").asDouble();
                Set<String> facts = new HashSet<>();
                for (Reasons.Direction direction : Reasons.Direction.values()) {
                    JsonNode list = reasons.get(direction.key());
                    assertTrue(list.size() <= (direction == Reasons.Direction.RAISES ? 3 : 2), where);
                    double previous = Double.POSITIVE_INFINITY;
                    for (JsonNode reason : list) {
                        double contribution = reason.get("contribution").asDouble();
                        sum += contribution;
                        assertEquals(direction, Reasons.Direction.of(contribution), where + " " + reason);
                        assertTrue(Math.abs(contribution) >= Reasons.MIN_STRENGTH, where + " under the floor");
                        assertTrue(Math.abs(contribution) <= previous, where + ": strongest first");
                        previous = Math.abs(contribution);
                        assertTrue(facts.add(reason.get("fact").asText()), where + ": a fact twice " + reasons);
                        assertFalse(reason.get("text").asText().isBlank(), where);
                        for (JsonNode feature : reason.get("features")) {
                            assertFalse(identity.contains(feature.asText()), where + " cites " + feature);
                        }
                        shown++;
                    }
                }
                assertEquals(logOdds, sum, 1e-9, where + ": expected + reasons + rest");
            }
            assertTrue(shown > rows.size(), spec + ": the rows have reasons, " + shown + " in all");
        }
    }

    @Test
    void aHouseholdsMembersGetTheSameRowButTheKeyWhateverTheBatches() throws Exception {
        String key = predict(step("risk-v3", 1_000, true), "10", "v3");
        byte[] once = bytes(key);
        byte[] inSmallBatches = bytes(predict(step("risk-v3", 7, true), "11", "v3"));
        assertArrayEquals(once, inSmallBatches, "the same part gives the same bytes, however it is batched");

        Map<Integer, String> caseOf = new HashMap<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT personal_id, case_id FROM " + TABLE
                        + " WHERE exit_date IS NULL AND case_id IS NOT NULL")) {
            while (rs.next()) {
                caseOf.put(rs.getInt(1), rs.getString(2));
            }
        }
        Map<String, String> rowOfHousehold = new HashMap<>();
        int members = 0;
        List<String> lines = new String(once, StandardCharsets.UTF_8).lines().toList();
        for (String line : lines.subList(1, lines.size())) {
            int personalId = Integer.parseInt(line.substring(0, line.indexOf(',')));
            String household = caseOf.get(personalId);
            if (household == null) {
                continue;
            }
            // The key is personal_id and enroll_date; the rest is the household's.
            String afterKey = line.substring(line.indexOf(',', line.indexOf(',') + 1));
            String first = rowOfHousehold.putIfAbsent(household, afterKey);
            if (first != null) {
                assertEquals(first, afterKey, "members of household " + household);
                members++;
            }
        }
        assertTrue(members > 100, "households of several members were predicted: " + members);
    }

    @Test
    void aModelWithoutARiskModelHasTheRiskOfItsClassesAndNoReasons() throws Exception {
        RiskModels.Trained trained = MODELS.get("v3");
        StoredModel withoutRisk = new StoredModel(
                trained.model().modelText(), trained.model().manifest().withRiskModel(null));
        String name = "no-risk";
        ModelFiles.upload(rename(withoutRisk, name), store, bucket);

        List<PredictionsCsv.Row> rows = rows(predict(step(name, 1_000, true), "20", "v3"));

        assertFalse(rows.isEmpty());
        for (PredictionsCsv.Row row : rows) {
            assertNull(row.reasons());
            assertEquals(1.0 - row.probabilities()[PredictionsCsv.CLASSES.indexOf("perm")], row.risk(), 0.0);
        }
    }

    @Test
    void withExplanationsOffTheRiskIsStillTheRiskModels() throws Exception {
        List<PredictionsCsv.Row> explained = rows(predict(step("risk-v3", 1_000, true), "30", "v3"));
        List<PredictionsCsv.Row> quiet = rows(predict(step("risk-v3", 1_000, false), "31", "v3"));
        for (int r = 0; r < quiet.size(); r++) {
            assertNull(quiet.get(r).reasons());
            assertEquals(explained.get(r).risk(), quiet.get(r).risk(), 0.0, "row " + r);
        }
    }

    @Test
    void aMissingOrWrongRiskModelIsRefusedNamingTheObject() throws Exception {
        RiskModels.Trained trained = MODELS.get("v3");
        String name = "broken-risk";
        ModelFiles.upload(rename(trained.model(), name), store, bucket);
        String riskKey = RunKeys.modelFileKey(name, "risk-model.txt");
        store.delete(bucket, riskKey);

        ModelNotFoundException missing =
                assertThrows(ModelNotFoundException.class, () -> new ServedModel(store, bucket, name).get());
        assertTrue(missing.getMessage().contains("s3://" + bucket + "/" + riskKey), missing.getMessage());

        put(riskKey, MODELS.get("v1").riskModelText());
        InvalidModelException otherFeatures =
                assertThrows(InvalidModelException.class, () -> new ServedModel(store, bucket, name).get());
        assertTrue(otherFeatures.getMessage().contains(riskKey), otherFeatures.getMessage());
        assertTrue(otherFeatures.getMessage().contains("features differ"), otherFeatures.getMessage());

        put(riskKey, trained.model().modelText());
        InvalidModelException fiveClasses =
                assertThrows(InvalidModelException.class, () -> new ServedModel(store, bucket, name).get());
        assertTrue(fiveClasses.getMessage().contains("binary objective"), fiveClasses.getMessage());
    }

    @Test
    void theModelIsReloadedWhenItsRiskModelChanges() throws Exception {
        RiskModels.Trained trained = MODELS.get("v3");
        String name = "changing-risk";
        RiskModels.upload(new RiskModels.Trained(rename(trained.model(), name)), store, bucket);
        ServedModel served = new ServedModel(store, bucket, name);
        BuiltModel first = served.get();
        assertEquals(first, served.get(), "unchanged objects are not read again");
        assertEquals(1, served.loads());

        String other = RiskModels.train(PG, TABLE, FeatureSpec.V3, 5, 22, name).riskModelText();
        put(RunKeys.modelFileKey(name, "risk-model.txt"), other);

        BuiltModel second = served.get();
        assertEquals(2, served.loads());
        assertFalse(first.risk()
                .orElseThrow()
                .etag()
                .equals(second.risk().orElseThrow().etag()));
    }

    private static void put(String key, String text) {
        store.putBytes(bucket, key, text.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    }

    private static StoredModel rename(StoredModel model, String name) {
        return new StoredModel(
                model.modelText(),
                org.hmis.predictions.common.model.ModelManifest.fromJson(model.manifest()
                        .toJson()
                        .replaceFirst("\"model_name\"\\s*:\\s*\"[^\"]*\"", "\"model_name\":\"" + name + "\"")),
                model.riskModelText());
    }
}
