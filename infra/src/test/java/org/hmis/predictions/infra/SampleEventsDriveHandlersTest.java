package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.StoredObject;
import org.hmis.predictions.infra.LocalLambdaInvokeApi.QueuedEvent;
import org.hmis.predictions.infra.SampleEvents.Kind;
import org.hmis.predictions.infra.SampleEvents.Sample;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.update.UpdateDbStep;
import org.hmis.predictions.wrangle.WrangleHandler;
import org.hmis.predictions.wrangle.WrangleHandlerOnLocalLambda;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every sample event drives the handler the template deploys for its step, configured with the environment the
 * template gives that function; only where the database, S3 and Lambda's Invoke API are is swapped for local
 * stand-ins. The steps run in pipeline order, so each step's samples read what the one before wrote: the run the
 * predict and update samples name is the run wrangle's direct and POST /refresh samples ask for.
 */
class SampleEventsDriveHandlersTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final Template TEMPLATE = Template.load();
    /** The defaults, but parts of the smallest size the template allows, so a small population fills two parts. */
    private static final int PART_ROWS = 1000;

    private static final TemplateEvaluation DEPLOYMENT =
            Deployments.defaultsWith(TEMPLATE, "PartRows", String.valueOf(PART_ROWS));
    private static final String TEMPLATE_BUCKET =
            DEPLOYMENT.string(TEMPLATE.properties("DataBucket").get("BucketName"));
    private static final SqlIdentifier GUESTS = SqlIdentifier.of(DEPLOYMENT.string(Map.of("Ref", "GuestsTable")));
    /**
     * A run id in a sample is a caller's, which is accepted only when made within 15 minutes of the database's clock
     * and never used before: each one is replaced by a run id of now with the same suffix, in every sample alike;
     * POST /refresh samples get a run of their own, since the direct samples wrangle theirs first.
     */
    @SuppressWarnings("TimeInStaticInitializer") // made once as the class loads, used within the minutes it runs
    private static final Instant NOW = Instant.now();

    private static final Pattern RUN_ID = Pattern.compile("\\d{8}T\\d{6}Z-([0-9a-f]{4})");
    /** The run the predict and update samples name. */
    private static final RunId SAMPLE_RUN = RunId.parse(madeNow("20261123T101500Z-3f9a"));
    /** Generated guests, about half of them current: between one and two parts' worth, the two parts the samples name. */
    private static final int GENERATED_GUESTS = 2_400;

    private static final Path BUNDLED_MODEL =
            Template.DIRECTORY.resolveSibling("local-runner").resolve("src/main/resources/demo-model");

    /** The steps whose samples run here, in pipeline order. */
    private static final List<PipelineStep> DRIVEN =
            List.of(PipelineStep.REMOVE_EXITED, PipelineStep.WRANGLE, PipelineStep.PREDICT, PipelineStep.UPDATE_DB);
    /** One handler per function, reused across its invocations, as in a warm Lambda container. */
    private static final Map<String, RequestStreamHandler> HANDLERS = new HashMap<>();
    /** Predictions parts the update samples have applied so far; a second delivery must find its part applied. */
    private static final Set<String> APPLIED_PARTS = new HashSet<>();

    private static LocalLambdaInvokeApi lambda;
    private static ObjectStore store;
    private static String modelName;

    @BeforeAll
    static void seed() throws SQLException, IOException {
        long current;
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            GuestsTable.create(c, GUESTS);
            PipelineSchema.migrate(PG.dataSource(), GUESTS);
            new GuestLoader(GuestGenerator.builder()
                            .seed(20261123L)
                            .currentShare(0.5)
                            .build())
                    .load(c, GUESTS, GENERATED_GUESTS);
            try (ResultSet rs =
                    st.executeQuery("SELECT count(*) FROM " + GUESTS.quoted() + " WHERE exit_date IS NULL")) {
                rs.next();
                current = rs.getLong(1);
            }
        }
        assertTrue(
                current > PART_ROWS && current <= 2L * PART_ROWS,
                current + " current guests do not make the two parts of " + PART_ROWS + " rows the samples name");
        store = ObjectStore.create(
                PipelineConfig.from(localEnvironment(TemplateFunctionsTest.functionOf(PipelineStep.PREDICT)))
                        .storage());
        StoredModel model = ModelFiles.read(BUNDLED_MODEL);
        modelName = model.manifest().modelName();
        assertEquals(
                DEPLOYMENT.string(Map.of("Ref", "ModelName")),
                modelName,
                "the bundled model is the one the template's MODEL_NAME names");
        ModelFiles.upload(model, store, S3.bucket());
        lambda = new LocalLambdaInvokeApi();
    }

    @AfterAll
    static void stop() {
        lambda.close();
        store.close();
    }

    @TestFactory
    Stream<DynamicTest> everySampleRunsThroughItsHandler() {
        return DRIVEN.stream()
                .flatMap(step -> Stream.concat(
                        SampleEvents.of(step).stream().map(SampleEventsDriveHandlersTest::invocation),
                        Stream.of(DynamicTest.dynamicTest(
                                step.module() + ": what the samples did", () -> checkEffects(step)))));
    }

    private static DynamicTest invocation(Sample sample) {
        return DynamicTest.dynamicTest(sample.toString(), () -> {
            TemplateFunction function = TemplateFunctionsTest.functionOf(sample.step());
            RequestStreamHandler handler = HANDLERS.computeIfAbsent(function.logicalId(), id -> handler(function));
            // The samples name the deployed bucket; locally the objects are in the test bucket.
            byte[] event = withRunsMadeNow(
                    Files.readString(sample.file()).replace(TEMPLATE_BUCKET, S3.bucket()), sample.kind());
            JsonNode answer = invoke(handler, function, event);
            switch (sample.step()) {
                case REMOVE_EXITED, WRANGLE -> checkRunAnswer(sample, handler, function, event, answer);
                case PREDICT -> checkPredictAnswer(sample, event, answer);
                case UPDATE_DB -> checkUpdateAnswer(sample, event, answer);
            }
            assertEquals(List.of(), lambda.takeQueued(), sample + " left an invocation queued that nobody ran");
        });
    }

    private static String madeNow(String runId) {
        Matcher m = RUN_ID.matcher(runId);
        if (!m.matches()) {
            throw new IllegalArgumentException(runId);
        }
        return RunId.newAt(NOW).value().substring(0, 16) + "-" + m.group(1);
    }

    /**
     * The sample with its run ids replaced (see {@link #NOW}), in a base64 HTTP body too; a GET of a run's status asks
     * for the run the other samples name.
     */
    private static byte[] withRunsMadeNow(String sample, Kind kind) throws IOException {
        if (kind != Kind.HTTP_API || !sample.contains("\"body\"")) {
            return RUN_ID.matcher(sample).replaceAll(m -> madeNow(m.group())).getBytes(StandardCharsets.UTF_8);
        }
        return SampleEvents.withBodyRunIds(sample, RUN_ID, old -> RunId.newRun().value());
    }

    private static JsonNode invoke(RequestStreamHandler handler, TemplateFunction function, byte[] event)
            throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(event),
                response,
                new InvocationContext(
                        DEPLOYMENT.string(function.properties().get("FunctionName")),
                        Integer.parseInt(DEPLOYMENT.string(function.properties().get("MemorySize"))),
                        Integer.parseInt(DEPLOYMENT.string(function.properties().get("Timeout")))));
        return TriggerJson.MAPPER.readTree(response.toByteArray());
    }

    /**
     * A step that starts a run answers with its run id, the one asked for if the sample asks for one. POST /refresh
     * answers 202 and queues the run as an invocation of its own function, which the template must allow; the queued
     * event is then run as Lambda would run it.
     */
    private static void checkRunAnswer(
            Sample sample, RequestStreamHandler handler, TemplateFunction function, byte[] event, JsonNode answer)
            throws IOException {
        Trigger trigger = Trigger.parse(new ByteArrayInputStream(event));
        Optional<String> requested = requestedRunId(trigger);
        if (trigger instanceof Trigger.HttpRequest request && request.method().equals("GET")) {
            // The direct samples ran first: their run, the one the predict and update samples name, has started.
            assertEquals(200, answer.path("statusCode").asInt(), sample + " answered " + answer);
            JsonNode status = TriggerJson.MAPPER.readTree(answer.path("body").asText());
            String asked = request.path().substring("/runs/".length());
            if (!asked.equals("latest")) {
                assertEquals(SAMPLE_RUN.value(), asked, sample + " asks for the samples' run");
                assertEquals(asked, status.path("runId").asText(), sample + ": the run asked for");
            }
            assertTrue(
                    List.of("started", "wrangled", "complete", "failed")
                            .contains(status.path("status").asText()),
                    sample + " answered " + status);
        } else if (sample.kind() == Kind.HTTP_API) {
            assertEquals(202, answer.path("statusCode").asInt(), sample + " answered " + answer);
            JsonNode accepted = TriggerJson.MAPPER.readTree(answer.path("body").asText());
            requested.ifPresent(
                    runId -> assertEquals(runId, accepted.path("runId").asText(), sample + ": the run asked for"));
            List<QueuedEvent> queued = lambda.takeQueued();
            assertEquals(1, queued.size(), sample + " queues one run");
            String self = TemplatePermissionsTest.functionArn(function, DEPLOYMENT);
            assertEquals(self, queued.get(0).function(), sample + " queues its run on the function it runs in");
            assertTrue(
                    TemplatePermissionsTest.grants(function, DEPLOYMENT).stream()
                            .anyMatch(g -> g.action().equals("lambda:InvokeFunction")
                                    && g.resource().equals(self)),
                    function.logicalId() + " may not invoke itself, so POST /refresh would fail in AWS");
            answer = invoke(handler, function, queued.get(0).payload());
            assertEquals(
                    accepted.path("runId").asText(),
                    answer.path("runId").asText(),
                    "the queued invocation runs the accepted run");
        } else {
            assertTrue(answer.hasNonNull("runId"), sample + " answered without its run id: " + answer);
            JsonNode runId = answer.path("runId");
            requested.ifPresent(r -> assertEquals(r, runId.asText(), sample + ": the run asked for"));
        }
    }

    /** The run id a direct invoke or a POST /refresh body asks for, if any. */
    private static Optional<String> requestedRunId(Trigger trigger) {
        if (trigger instanceof Trigger.Direct direct) {
            return direct.text("runId");
        }
        if (trigger instanceof Trigger.HttpRequest request) {
            return Optional.ofNullable(request.jsonBody().path("runId").textValue());
        }
        return Optional.empty();
    }

    /** Every wrangled part named is predicted into the predictions part of the same run and number; anything else is skipped. */
    private static void checkPredictAnswer(Sample sample, byte[] event, JsonNode answer) {
        List<String> predicted = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ObjectRef object : objectsOf(event)) {
            Optional<RunKeys.Part> part =
                    RunKeys.parsePart(object.key()).filter(p -> p.stage() == RunKeys.Stage.WRANGLED);
            if (part.isPresent()) {
                predicted.add(
                        "s3://" + S3.bucket() + "/" + part.get().asPredictions().key());
            } else {
                skipped.add(object.toString());
            }
        }
        if (sample.file().getFileName().toString().equals("s3-rejected-created.json")) {
            assertEquals(
                    List.of("s3://" + S3.bucket() + "/" + RunKeys.rejectedKey(SAMPLE_RUN)),
                    skipped,
                    sample + " announces the run's rejected rows, which are no part to predict");
        }
        assertEquals(PredictStep.STEP, answer.path("step").asText());
        assertEquals(predicted, texts(answer.path("parts"), "predictions"), sample + ": parts predicted, in " + answer);
        assertEquals(skipped, texts(answer.path("skipped"), "source"), sample + ": objects skipped, in " + answer);
        assertEquals(0, answer.path("failed").size(), sample + ": " + answer);
    }

    /** Every predictions part named is applied the first time it comes, and found applied when it comes again. */
    private static void checkUpdateAnswer(Sample sample, byte[] event, JsonNode answer) {
        List<String> keys = objectsOf(event).stream().map(ObjectRef::key).toList();
        assertEquals(UpdateDbStep.STEP, answer.path("step").asText());
        assertEquals(keys, texts(answer.path("parts"), "part"), sample + ": " + answer);
        for (JsonNode part : answer.path("parts")) {
            String key = part.path("part").asText();
            String expected = APPLIED_PARTS.add(key) ? UpdateDbStep.APPLIED : UpdateDbStep.ALREADY_APPLIED;
            assertEquals(expected, part.path("status").asText(), sample + ": " + key + " in " + answer);
        }
    }

    private static List<ObjectRef> objectsOf(byte[] event) {
        return assertInstanceOf(Trigger.ObjectsCreated.class, Trigger.parse(new ByteArrayInputStream(event)))
                .objects();
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.path(field).asText()));
        return texts;
    }

    /** What a step's samples must have left behind, beyond answering. */
    private static void checkEffects(PipelineStep step) throws SQLException {
        switch (step) {
            case REMOVE_EXITED -> {
                Map<String, String> current = predictionsOfGuests("exit_date IS NULL");
                assertTrue(current.values().stream().allMatch(p -> p == null), "current guests are left alone");
                Map<String, String> exited = predictionsOfGuests("exit_date IS NOT NULL");
                assertTrue(
                        !exited.isEmpty() && exited.values().stream().allMatch("exited"::equals),
                        "every guest who left is marked");
            }
            case WRANGLE -> {
                List<String> parts = partKeys(RunKeys.wrangledRunPrefix(SAMPLE_RUN));
                assertTrue(
                        store.head(S3.bucket(), RunKeys.runManifestKey(SAMPLE_RUN))
                                .isPresent(),
                        "the run's manifest follows its parts");
                assertEquals(
                        List.of(
                                RunKeys.wrangledPart(SAMPLE_RUN, 0).key(),
                                RunKeys.wrangledPart(SAMPLE_RUN, 1).key()),
                        parts,
                        "the wrangled parts the predict samples name");
                Set<String> wrangled = new HashSet<>();
                parts.forEach(key -> wrangled.addAll(
                        guestKeys(store.readString(S3.bucket(), key)).keySet()));
                String rejectedKey = RunKeys.rejectedKey(SAMPLE_RUN);
                if (store.head(S3.bucket(), rejectedKey).isPresent()) {
                    // row,personal_id,enroll_date,reason: the key is the second and third column.
                    store.readString(S3.bucket(), rejectedKey)
                            .lines()
                            .skip(1)
                            .map(line -> line.split(",", 4))
                            .forEach(f -> wrangled.add(f[1] + "," + f[2]));
                }
                assertEquals(
                        predictionsOfGuests("exit_date IS NULL").keySet(),
                        wrangled,
                        "every current guest is in a part or set aside as rejected, and no one else");
            }
            case PREDICT -> {
                List<String> parts = partKeys(RunKeys.predictionsRunPrefix(SAMPLE_RUN));
                assertEquals(
                        List.of(
                                RunKeys.predictionsPart(SAMPLE_RUN, 0).key(),
                                RunKeys.predictionsPart(SAMPLE_RUN, 1).key()),
                        parts,
                        "a predictions part for each wrangled part");
                for (int number = 0; number < 2; number++) {
                    String key = RunKeys.predictionsPart(SAMPLE_RUN, number).key();
                    StoredObject written = store.head(S3.bucket(), key).orElseThrow();
                    assertEquals(SAMPLE_RUN.value(), written.metadata().get(ObjectMetadata.RUN_ID), key);
                    assertEquals(modelName, written.metadata().get(ObjectMetadata.MODEL), key);
                    assertEquals(
                            List.copyOf(guestKeys(store.readString(
                                            S3.bucket(),
                                            RunKeys.wrangledPart(SAMPLE_RUN, number)
                                                    .key()))
                                    .keySet()),
                            List.copyOf(guestKeys(store.readString(S3.bucket(), key))
                                    .keySet()),
                            key + " predicts the guests of its wrangled part, in order");
                }
            }
            case UPDATE_DB -> {
                Map<String, String> predicted = new LinkedHashMap<>();
                for (int number = 0; number < 2; number++) {
                    predicted.putAll(guestKeys(store.readString(
                            S3.bucket(),
                            RunKeys.predictionsPart(SAMPLE_RUN, number).key())));
                }
                Map<String, String> current = predictionsOfGuests("exit_date IS NULL");
                current.values().removeIf(p -> p == null);
                assertEquals(predicted, current, "every current guest carries the prediction of the run's parts");
                Map<String, String> exited = predictionsOfGuests("exit_date IS NOT NULL");
                assertTrue(
                        exited.values().stream().allMatch("exited"::equals),
                        "no prediction is written onto a guest who left");
            }
        }
    }

    /** Keys of the part objects (not the rejected rows) under a run's prefix, in order. */
    private static List<String> partKeys(String runPrefix) {
        return store.list(S3.bucket(), runPrefix).stream()
                .filter(key -> RunKeys.parsePart(key).isPresent())
                .sorted()
                .toList();
    }

    /** A part's rows by guest key ("personal_id,enroll_date"), each with its third column, in the file's order. */
    private static Map<String, String> guestKeys(String csv) {
        Map<String, String> rows = new LinkedHashMap<>();
        csv.lines().skip(1).forEach(line -> {
            String[] fields = line.split(",", 4);
            rows.put(fields[0] + "," + fields[1], fields[2]);
        });
        return rows;
    }

    /** predicted_exit_destination by guest key ("personal_id,enroll_date") of the guests matching a condition. */
    private static Map<String, String> predictionsOfGuests(String condition) throws SQLException {
        Map<String, String> predictions = new LinkedHashMap<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT personal_id, enroll_date, predicted_exit_destination FROM "
                        + GUESTS.quoted() + " WHERE " + condition + " ORDER BY personal_id, enroll_date")) {
            while (rs.next()) {
                predictions.put(rs.getString(1) + "," + rs.getString(2), rs.getString(3));
            }
        }
        return predictions;
    }

    /** The template's environment for the function, with the database and S3 it names replaced by the local ones. */
    private static Map<String, String> localEnvironment(TemplateFunction function) {
        Map<String, String> env = new LinkedHashMap<>(function.environment(DEPLOYMENT));
        if (function.step().needsDatabase()) {
            Setting.DATABASE.variables().forEach(env::remove);
            URI db = URI.create(PG.jdbcUrl().substring("jdbc:".length()));
            env.put(PipelineConfig.RDS_HOST, db.getHost());
            env.put(PipelineConfig.RDS_PORT, String.valueOf(db.getPort()));
            env.put(PipelineConfig.RDS_DB_NAME, db.getPath().substring(1));
            env.put(PipelineConfig.RDS_USERNAME, PG.user());
            // PipelineConfig requires a password; a test server without one trusts the connection and ignores it.
            env.put(
                    PipelineConfig.RDS_USER_PWD,
                    PG.password() == null || PG.password().isEmpty() ? "unused" : PG.password());
            env.put(PipelineConfig.DB_SSL_MODE, "disable");
        }
        if (function.step().settings().contains(Setting.STORAGE)) {
            Setting.STORAGE.variables().forEach(env::remove);
            env.put(PipelineConfig.S3_BUCKET, S3.bucket());
            env.put(PipelineConfig.S3_ENDPOINT, S3.endpoint().toString());
            env.put(PipelineConfig.AWS_REGION, S3.region());
            env.put(PipelineConfig.AWS_ACCESS_KEY_ID, S3.accessKey());
            env.put(PipelineConfig.AWS_SECRET_ACCESS_KEY, S3.secretKey());
        }
        return env;
    }

    /**
     * The handler class the template names, built as Lambda would but configured from {@link #localEnvironment}; a
     * handler that invokes its own function sends those invocations to the local stand-in for Lambda's Invoke API.
     */
    private static RequestStreamHandler handler(TemplateFunction function) {
        PipelineConfig config = PipelineConfig.from(localEnvironment(function));
        if (function.step().invokesItself()) {
            assertEquals(WrangleHandler.class.getName(), function.handler(), function.logicalId());
            return WrangleHandlerOnLocalLambda.create(config, lambda.endpoint());
        }
        try {
            Class<?> type = Class.forName(function.handler().split("::", 2)[0]);
            Constructor<?> constructor;
            try {
                constructor = type.getDeclaredConstructor(PipelineConfig.class);
            } catch (NoSuchMethodException e) {
                throw new AssertionError(
                        type.getName()
                                + " has no constructor taking a PipelineConfig, through which tests configure it",
                        e);
            }
            constructor.setAccessible(true);
            return (RequestStreamHandler) constructor.newInstance(config);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("cannot build the handler " + function.handler() + ": " + e, e);
        }
    }
}
