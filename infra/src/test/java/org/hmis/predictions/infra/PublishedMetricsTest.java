package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.wrangle.WrangleHandlerOnLocalLambda;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics the handlers the template deploys really print, in CloudWatch's embedded metric format, against real
 * PostgreSQL and S3: two runs through every function, then a part and a run that fail. Every line is parsed as
 * CloudWatch Logs would: namespace, the one dimension {@code Function} with the function's deployed name (what the
 * alarms and dashboard name), the run id as a property, and each metric's name and unit as the contract
 * ({@link PipelineMetric}, docs/architecture.md) states; the values are the steps' own summaries. Each handler is
 * built once, as in one warm container, so each publishes {@code ColdStart} once, on its first invocation.
 */
class PublishedMetricsTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final Template TEMPLATE = Template.load();
    private static final int PART_ROWS = 1000;
    private static final TemplateEvaluation DEPLOYMENT =
            Deployments.defaultsWith(TEMPLATE, "PartRows", String.valueOf(PART_ROWS));
    private static final SqlIdentifier GUESTS = SqlIdentifier.of(DEPLOYMENT.string(Map.of("Ref", "GuestsTable")));
    private static final Path BUNDLED_MODEL =
            Template.DIRECTORY.resolveSibling("local-runner").resolve("src/main/resources/demo-model");

    private static final Map<PipelineStep, RequestStreamHandler> HANDLERS = new EnumMap<>(PipelineStep.class);
    /** Every metric each function printed in this test, with its unit. */
    private static final Map<PipelineStep, Map<String, String>> PRINTED = new EnumMap<>(PipelineStep.class);
    /** The ColdStart records each function printed, and in which of its invocations (1 is the first). */
    private static final Map<PipelineStep, List<Integer>> COLD_STARTS = new EnumMap<>(PipelineStep.class);

    private static final Map<PipelineStep, Integer> INVOCATIONS = new EnumMap<>(PipelineStep.class);

    private static LocalLambdaInvokeApi lambda;
    /** The run the last {@link #run} wrangled, the rows the first part of its update wrote, the mix it completed. */
    private static RunId lastRun;

    private static long firstPartFresh;
    private static Map<String, Long> previousMix;

    /** A handler's call. */
    interface Call {
        void run() throws IOException;
    }

    /** One invocation: the handler's answer (null when it failed) and the metric lines it printed. */
    record Invocation(JsonNode answer, List<JsonNode> lines) {}

    @BeforeAll
    static void seed() throws SQLException, IOException {
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, GUESTS);
            PipelineSchema.migrate(PG.dataSource(), GUESTS);
            new GuestLoader(GuestGenerator.builder().seed(15L).currentShare(0.5).build()).load(c, GUESTS, 2_400);
        }
        try (ObjectStore store = ObjectStore.create(
                PipelineConfig.from(environment(PipelineStep.PREDICT)).storage())) {
            ModelFiles.upload(ModelFiles.read(BUNDLED_MODEL), store, S3.bucket());
        }
        lambda = new LocalLambdaInvokeApi();
    }

    @AfterAll
    static void stop() {
        lambda.close();
    }

    @Test
    void everyFunctionPrintsTheContractsMetricsWithTheStepsValues() throws IOException {
        Map<String, Long> firstMix = run(true);
        Map<String, Long> secondMix = run(false);
        assertEquals(
                sum(firstMix), sum(secondMix), "the same current guests, predicted again: " + firstMix + secondMix);

        // A predictions part that does not exist fails the update; Failed is printed before the invocation fails.
        String missing = RunKeys.predictionsPart(lastRun, 99).key();
        Invocation failedPart = invokeFailing(PipelineStep.UPDATE_DB, directObject(missing));
        JsonNode failedLine = only(failedPart, lastRun.value());
        assertEquals(1, count(failedLine, "Failed"));
        assertEquals(0, count(failedLine, "Parts"));
        // A caller's run id from long ago is refused: remove's run fails, and says so.
        Invocation refused = invokeFailing(PipelineStep.REMOVE_EXITED, "{\"runId\": \"20200101T000000Z-0000\"}");
        assertEquals(1, count(only(refused, "20200101T000000Z-0000"), "Failed"));

        for (PipelineStep step : PipelineStep.values()) {
            assertEquals(
                    List.of(1),
                    COLD_STARTS.get(step),
                    step.module() + " publishes ColdStart on its container's first invocation only");
            Map<String, String> expected = new TreeMap<>();
            PipelineMetric.ALL.stream()
                    .filter(m -> m.publishers().contains(step))
                    .forEach(m -> expected.put(m.name(), m.unit()));
            assertEquals(
                    expected,
                    PRINTED.getOrDefault(step, Map.of()),
                    step.module() + " prints the contract's metrics, in its units");
        }
    }

    /**
     * One run through every function, each asked directly as `aws lambda invoke` would; answers the class mix the
     * completing update printed. {@code first}: no run completed before, so no MaxDrift.
     */
    private static Map<String, Long> run(boolean first) throws IOException {
        Invocation remove = invoke(PipelineStep.REMOVE_EXITED, "{}");
        String removeRun = remove.answer().path("runId").asText();
        JsonNode removed = only(remove, removeRun);
        assertEquals(remove.answer().path("rowsMarked").asLong(), count(removed, "Rows"));
        assertEquals(0, count(removed, "Failed"));

        // The second run predicts everyone again, as asked: unasked, it would carry every prediction over.
        Invocation wrangle = invoke(PipelineStep.WRANGLE, first ? "{}" : "{\"full\": true}");
        String runId = wrangle.answer().path("runId").asText();
        lastRun = RunId.parse(runId);
        JsonNode wrangled = only(wrangle, runId);
        assertEquals(wrangle.answer().path("rows").asLong(), count(wrangled, "Rows"));
        assertEquals(wrangle.answer().path("parts").size(), count(wrangled, "Parts"));
        assertEquals(2, count(wrangled, "Parts"), "the guests fill two parts");
        assertEquals(wrangle.answer().path("rejected").asLong(), count(wrangled, "Rejected"));
        assertEquals(0, count(wrangled, "Failed"));

        long predictedRows = 0;
        List<String> predictions = new ArrayList<>();
        for (JsonNode part : wrangle.answer().path("parts")) {
            Invocation predict = invoke(PipelineStep.PREDICT, directObject(part.asText()));
            JsonNode predicted = only(predict, runId);
            assertEquals(predict.answer().path("rows").asLong(), count(predicted, "Rows"));
            assertEquals(1, count(predicted, "Parts"));
            assertEquals(0, count(predicted, "Failed"));
            predictedRows += count(predicted, "Rows");
            predictions.add(RunKeys.parsePart(part.asText())
                    .orElseThrow()
                    .asPredictions()
                    .key());
        }
        assertEquals(count(wrangled, "Rows"), predictedRows, "every wrangled row is predicted");

        Map<String, Long> mix = null;
        for (int i = 0; i < predictions.size(); i++) {
            Invocation update = invoke(PipelineStep.UPDATE_DB, directObject(predictions.get(i)));
            JsonNode part = update.answer().path("parts").get(0);
            List<JsonNode> lines = linesOf(update, runId);
            JsonNode applied = lines.get(0);
            assertEquals(part.path("applied").asLong(), count(applied, "Rows"));
            assertEquals(1, count(applied, "Parts"));
            assertEquals(part.path("skipped").path("stale").asLong(), count(applied, "Stale"));
            assertEquals(part.path("skipped").path("unmatched").asLong(), count(applied, "Unmatched"));
            assertEquals(0, count(applied, "Failed"));
            boolean last = i == predictions.size() - 1;
            assertEquals(last ? 2 : 1, lines.size(), "the part that completes the run adds the run's own record");
            if (last) {
                JsonNode completed = lines.get(1);
                assertEquals(1, count(completed, "RunsComplete"));
                mix = new LinkedHashMap<>();
                for (String label : ExitDestinationClasses.LABELS) {
                    mix.put(label, count(completed, "Predicted_" + label));
                }
                assertEquals(
                        part.path("fresh").asLong() + firstPartFresh,
                        sum(mix),
                        "the class mix counts the guests the run wrote");
                assertEquals(!first, completed.has("MaxDrift"), "drift needs a run before");
                if (!first) {
                    assertEquals(
                            maxDrift(previousMix, mix),
                            completed.path("MaxDrift").asDouble(),
                            1e-12);
                }
            } else {
                firstPartFresh = part.path("fresh").asLong();
            }
        }
        previousMix = mix;
        return mix;
    }

    private static double maxDrift(Map<String, Long> before, Map<String, Long> after) {
        double max = 0;
        for (String label : ExitDestinationClasses.LABELS) {
            max = Math.max(
                    max, Math.abs((double) after.get(label) / sum(after) - (double) before.get(label) / sum(before)));
        }
        return max;
    }

    private static long sum(Map<String, Long> mix) {
        return mix.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String directObject(String key) {
        return "{\"bucket\": \"" + S3.bucket() + "\", \"key\": \"" + key + "\"}";
    }

    /** The one line an invocation printed, about {@code runId}. */
    private static JsonNode only(Invocation invocation, String runId) {
        List<JsonNode> lines = linesOf(invocation, runId);
        assertEquals(1, lines.size(), "one record: " + invocation.lines());
        return lines.get(0);
    }

    private static List<JsonNode> linesOf(Invocation invocation, String runId) {
        assertFalse(invocation.lines().isEmpty(), "no metrics printed");
        invocation
                .lines()
                .forEach(line -> assertEquals(runId, line.path("runId").asText(), "the run id property"));
        return invocation.lines();
    }

    /** A count's value: printed as a number, whole. */
    private static long count(JsonNode line, String name) {
        assertTrue(line.has(name), name + " is not in " + line);
        double value = line.path(name).asDouble();
        assertEquals(Math.rint(value), value, name + " counts");
        return (long) value;
    }

    private static Invocation invoke(PipelineStep step, String event) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        List<JsonNode> lines = printed(
                step,
                () -> handler(step)
                        .handleRequest(
                                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                                answer,
                                context(step)));
        return new Invocation(TriggerJson.MAPPER.readTree(answer.toByteArray()), lines);
    }

    private static Invocation invokeFailing(PipelineStep step, String event) throws IOException {
        List<JsonNode> lines = printed(
                step,
                () -> assertThrows(
                        RuntimeException.class,
                        () -> handler(step)
                                .handleRequest(
                                        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                                        new ByteArrayOutputStream(),
                                        context(step))));
        return new Invocation(null, lines);
    }

    /**
     * Runs {@code invocation} with standard output captured, as Lambda captures it into the function's log, and
     * parses the embedded-metric-format lines in it, checking each line's envelope.
     */
    private static List<JsonNode> printed(PipelineStep step, Call invocation) throws IOException {
        int invocationNumber = INVOCATIONS.merge(step, 1, Integer::sum);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            invocation.run();
        } finally {
            System.setOut(original);
        }
        String functionName = DEPLOYMENT.string(
                TemplateFunctionsTest.functionOf(step).properties().get("FunctionName"));
        List<JsonNode> lines = new ArrayList<>();
        for (String text : captured.toString(StandardCharsets.UTF_8).lines().toList()) {
            if (!text.startsWith("{") || !text.contains("\"_aws\"")) {
                continue;
            }
            JsonNode line = TriggerJson.MAPPER.readTree(text);
            JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
            assertTrue(line.path("_aws").path("Timestamp").isIntegralNumber(), text);
            assertEquals(PipelineMetric.NAMESPACE, directive.path("Namespace").asText(), text);
            assertEquals(
                    TriggerJson.MAPPER.readTree("[[\"" + PipelineMetric.DIMENSION + "\"]]"),
                    directive.path("Dimensions"),
                    "one dimension, no run id: " + text);
            assertEquals(functionName, line.path(PipelineMetric.DIMENSION).asText(), "the deployed function's name");
            Set<String> declared = new TreeSet<>();
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                String unit = metric.path("Unit").asText();
                PipelineMetric contract = PipelineMetric.named(name);
                assertTrue(contract.publishers().contains(step), step.module() + " prints " + name);
                assertEquals(contract.unit(), unit, name);
                assertTrue(line.path(name).isNumber(), name + " has a value: " + text);
                declared.add(name);
                PRINTED.computeIfAbsent(step, s -> new TreeMap<>()).put(name, unit);
            }
            assertFalse(declared.isEmpty(), text);
            if (declared.contains("ColdStart")) {
                // The container's record, about no run: the step's records follow it.
                assertEquals(Set.of("ColdStart"), declared, "a record of its own: " + text);
                assertEquals(1, count(line, "ColdStart"));
                assertFalse(line.has("runId"), "a container's, not a run's: " + text);
                COLD_STARTS.computeIfAbsent(step, s -> new ArrayList<>()).add(invocationNumber);
                continue;
            }
            lines.add(line);
        }
        return lines;
    }

    private static InvocationContext context(PipelineStep step) {
        TemplateFunction function = TemplateFunctionsTest.functionOf(step);
        return new InvocationContext(
                DEPLOYMENT.string(function.properties().get("FunctionName")),
                Integer.parseInt(DEPLOYMENT.string(function.properties().get("MemorySize"))),
                Integer.parseInt(DEPLOYMENT.string(function.properties().get("Timeout"))));
    }

    /** The function's handler, built once as in a warm container, with the template's environment pointed here. */
    private static RequestStreamHandler handler(PipelineStep step) {
        return HANDLERS.computeIfAbsent(step, s -> {
            TemplateFunction function = TemplateFunctionsTest.functionOf(s);
            PipelineConfig config = PipelineConfig.from(environment(s));
            if (s.invokesItself()) {
                return WrangleHandlerOnLocalLambda.create(config, lambda.endpoint());
            }
            try {
                Constructor<?> constructor = Class.forName(function.handler().split("::", 2)[0])
                        .getDeclaredConstructor(PipelineConfig.class);
                constructor.setAccessible(true);
                return (RequestStreamHandler) constructor.newInstance(config);
            } catch (ReflectiveOperationException e) {
                throw new LinkageError("cannot build the handler " + function.handler() + ": " + e, e);
            }
        });
    }

    private static Map<String, String> environment(PipelineStep step) {
        TemplateFunction function = TemplateFunctionsTest.functionOf(step);
        Map<String, String> env = new LinkedHashMap<>(function.environment(DEPLOYMENT));
        if (step.needsDatabase()) {
            Setting.DATABASE.variables().forEach(env::remove);
            URI db = URI.create(PG.jdbcUrl().substring("jdbc:".length()));
            env.put(PipelineConfig.RDS_HOST, db.getHost());
            env.put(PipelineConfig.RDS_PORT, String.valueOf(db.getPort()));
            env.put(PipelineConfig.RDS_DB_NAME, db.getPath().substring(1));
            env.put(PipelineConfig.RDS_USERNAME, PG.user());
            env.put(
                    PipelineConfig.RDS_USER_PWD,
                    PG.password() == null || PG.password().isEmpty() ? "unused" : PG.password());
            env.put(PipelineConfig.DB_SSL_MODE, "disable");
        }
        if (step.settings().contains(Setting.STORAGE)) {
            Setting.STORAGE.variables().forEach(env::remove);
            env.put(PipelineConfig.S3_BUCKET, S3.bucket());
            env.put(PipelineConfig.S3_ENDPOINT, S3.endpoint().toString());
            env.put(PipelineConfig.AWS_REGION, S3.region());
            env.put(PipelineConfig.AWS_ACCESS_KEY_ID, S3.accessKey());
            env.put(PipelineConfig.AWS_SECRET_ACCESS_KEY, S3.secretKey());
        }
        return env;
    }
}
