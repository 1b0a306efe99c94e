package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.wrangle.WrangleHandlerOnLocalLambda;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * openapi.yaml says what POST /refresh, GET /runs/latest and GET /runs/{runId} answer, and the wrangle handler the
 * template deploys answers exactly that: every HTTP API sample is sent to the handler (the samples naming a run id
 * both as written and with a run id made now), a run id already used, one refresh while Lambda's Invoke API refuses,
 * the status of runs recorded in a real database, and the status while the database cannot be reached; each
 * answer's status is documented, for the operation of its path, with a schema its body satisfies. A documented
 * status the handler never returns must be one API Gateway returns itself, with API Gateway's body.
 */
class OpenApiTest {
    private static final Path OPENAPI = Template.DIRECTORY.resolve("openapi.yaml");
    /** What API Gateway answers by itself: unsigned or not allowed, no route, throttled, function failed or too slow. */
    private static final Set<Integer> GATEWAY_STATUSES = Set.of(403, 404, 429, 500, 503);

    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEPLOYMENT = Deployments.defaults(TEMPLATE);
    private static final TemplateFunction WRANGLE = TemplateFunctionsTest.functionOf(PipelineStep.WRANGLE);

    /** A run id made now, in the form the samples' bodies hold them. */
    private static final Pattern RUN_ID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{4}");

    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static Map<String, Object> openApi;
    private static LocalLambdaInvokeApi lambda;

    /** The operations openapi.yaml documents, as "method path". */
    private static final String REFRESH = "post /refresh";

    private static final String LATEST_RUN = "get /runs/latest";
    private static final String RUN_STATUS = "get /runs/{runId}";

    /** One answer of the handler: the request it was, the operation documenting it, and what came back. */
    record Answer(String request, String operation, int status, Map<String, String> headers, JsonNode body) {}

    @BeforeAll
    static void start() throws IOException {
        PipelineSchema.migrate(PG.dataSource(), SqlIdentifier.of("guests"));
        openApi = CloudFormationYaml.read(OPENAPI);
        lambda = new LocalLambdaInvokeApi();
    }

    @AfterAll
    static void stop() {
        lambda.close();
    }

    @Test
    void everyStatusTheHandlerAnswersIsDocumentedWithItsBody() throws IOException, SQLException {
        List<Answer> answers = answers();
        Map<String, Set<Integer>> answeredBy = new TreeMap<>();
        for (Answer answer : answers) {
            answeredBy.computeIfAbsent(answer.operation(), o -> new TreeSet<>()).add(answer.status());
            Map<String, Object> responses = responses(answer.operation());
            Map<String, Object> response = responses.containsKey(String.valueOf(answer.status()))
                    ? response(responses.get(String.valueOf(answer.status())))
                    : null;
            assertNotNull(response, answer.request() + " answers " + answer.status() + ", which openapi.yaml lacks");
            assertEquals("application/json", answer.headers().get("content-type"), answer.request());
            List<String> violations = violations(answer.body(), jsonSchema(response), "body");
            assertEquals(List.of(), violations, answer.request() + " answered " + answer.body());
            Map<String, Object> headers = Template.map(response.getOrDefault("headers", Map.of()));
            for (Map.Entry<String, Object> header : headers.entrySet()) {
                String value = answer.headers().get(header.getKey());
                assertNotNull(value, answer.request() + " lacks the documented header " + header.getKey());
                Map<String, Object> schema =
                        Template.map(Template.map(header.getValue()).get("schema"));
                assertEquals(
                        List.of(),
                        violations(TriggerJson.MAPPER.valueToTree(value), schema, header.getKey()),
                        answer.request());
            }
        }
        assertEquals(
                Map.of(
                        REFRESH, new TreeSet<>(List.of(202, 400, 404, 405, 409, 503)),
                        LATEST_RUN, new TreeSet<>(List.of(200, 404, 405, 503)),
                        RUN_STATUS, new TreeSet<>(List.of(200, 400, 404, 405, 503))),
                answeredBy,
                "the samples drive every status the handler answers, on every operation");

        for (Map.Entry<String, Set<Integer>> operation : answeredBy.entrySet()) {
            Map<String, Object> responses = responses(operation.getKey());
            for (String status : responses.keySet()) {
                int code = Integer.parseInt(status);
                if (operation.getValue().contains(code)) {
                    continue;
                }
                assertTrue(
                        GATEWAY_STATUSES.contains(code),
                        operation.getKey() + ": openapi.yaml documents " + status
                                + ", which neither the handler nor API Gateway answers");
                assertEquals(
                        "#/components/schemas/GatewayMessage",
                        Template.map(jsonSchema(response(responses.get(status))))
                                .get("$ref"),
                        operation.getKey() + ": " + status + " comes from API Gateway alone, with its own body");
            }
        }
    }

    /** A run's status is what prediction_runs recorded of it, field by field, for a run with parts applied. */
    @Test
    void aRunsStatusIsWhatPredictionRunsRecorded() throws IOException, SQLException {
        RunId runId = recordedRun();
        RequestStreamHandler handler = WrangleHandlerOnLocalLambda.create(configuration(), lambda.endpoint());
        Answer answer = invoke(
                handler, runStatusRequest("/runs/" + runId.value()), "GET /runs/{runId} of a run with parts applied");
        assertEquals(200, answer.status(), answer.body().toString());
        JsonNode body = answer.body();
        assertEquals(runId.value(), body.path("runId").asText());
        assertEquals("complete", body.path("status").asText());
        assertEquals("caller", body.path("origin").asText());
        assertEquals(2, body.path("parts").path("expected").asInt());
        assertEquals(2, body.path("parts").path("applied").asInt());
        assertEquals(1500, body.path("rows").asLong());
        assertEquals(4, body.path("rejected").asLong());
        assertEquals(1400 + 90, body.path("written").asLong());
        assertEquals(7, body.path("stale").asLong());
        assertEquals(3 + 2, body.path("unmatched").asLong());
        assertEquals(
                TriggerJson.MAPPER.readTree("[{\"model\":\"exit-destination\",\"etag\":\"etag-a\","
                        + "\"versionId\":\"version-a\",\"parts\":1},{\"model\":\"exit-destination\","
                        + "\"etag\":\"etag-b\",\"versionId\":null,\"parts\":1}]"),
                body.path("models"));
        assertEquals(
                "2026-11-23T10:15:00Z", body.path("timings").path("startedAt").asText());
        assertEquals(
                "2026-11-23T10:15:04Z", body.path("timings").path("wrangledAt").asText());
        assertEquals(
                "2026-11-23T10:15:09Z", body.path("timings").path("completedAt").asText());
        assertTrue(body.path("timings").path("failedAt").isNull());
        assertEquals(4000, body.path("durationsMs").path("wrangle").asLong());
        assertEquals(1200 + 800, body.path("durationsMs").path("update").asLong());
        assertEquals(9000, body.path("durationsMs").path("total").asLong());
        assertTrue(body.path("error").isNull());

        Answer latest = invoke(handler, runStatusRequest("/runs/latest"), "GET /runs/latest");
        assertEquals(200, latest.status());
        assertEquals(
                latestStartedRun(), latest.body().path("runId").asText(), "the run that started last, by its start");
    }

    /** A wrangled run whose update of a part stopped past its deadline is stalled, naming the part and its times. */
    @Test
    void aRunWhoseStepStoppedWithoutFinishingIsStalled() throws IOException, SQLException {
        RunId runId = stalledRun();
        RequestStreamHandler handler = WrangleHandlerOnLocalLambda.create(configuration(), lambda.endpoint());
        Answer answer =
                invoke(handler, runStatusRequest("/runs/" + runId.value()), "GET /runs/{runId} of a stalled run");
        assertEquals(200, answer.status(), answer.body().toString());
        JsonNode body = answer.body();
        assertEquals("stalled", body.path("status").asText(), body.toString());
        assertEquals(1, body.path("parts").path("applied").asInt());
        assertEquals(
                TriggerJson.MAPPER.readTree("{\"step\":\"update\",\"part\":\""
                        + RunKeys.predictionsPart(runId, 1).key() + "\",\"at\":\"2026-11-23T11:00:07Z\","
                        + "\"until\":\"2026-11-23T11:05:07Z\"}"),
                body.path("lastSeen"));
    }

    /**
     * A wrangled run of two parts whose first part was applied and whose update of the second was seen, and then
     * never again, its deadline long past: what a killed update invocation leaves.
     */
    private static RunId stalledRun() throws SQLException {
        RunId runId = RunId.newAt(Instant.parse("2026-11-23T11:00:00Z"));
        try (Connection c = PG.connect()) {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM prediction_runs WHERE run_id LIKE '20261123T110000Z-%'");
                st.executeUpdate("DELETE FROM run_heartbeats WHERE run_id LIKE '20261123T110000Z-%'");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO prediction_runs (run_id, step, part,"
                    + " started_at, finished_at, rows, status, parts, details) VALUES (?, 'wrangle', '',"
                    + " '2026-11-23T11:00:00Z', '2026-11-23T11:00:04Z', 1500, 'wrangled', 2,"
                    + " '{\"origin\": \"schedule\", \"attempt\": 1}')")) {
                ps.setString(1, runId.value());
                ps.executeUpdate();
            }
            recordPart(c, runId, 0, 1400, "etag-a", "version-a", 0, 0, 1000, "2026-11-23T11:00:06Z");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO run_heartbeats (run_id, step, part, seen_at,"
                    + " deadline_at) VALUES (?, 'wrangle', '', '2026-11-23T11:00:00.5Z', '2026-11-23T11:15:00Z'),"
                    + " (?, 'update', ?, '2026-11-23T11:00:05Z', '2026-11-23T11:05:05Z'),"
                    + " (?, 'update', ?, '2026-11-23T11:00:07Z', '2026-11-23T11:05:07Z')")) {
                ps.setString(1, runId.value());
                ps.setString(2, runId.value());
                ps.setString(3, RunKeys.predictionsPart(runId, 0).key());
                ps.setString(4, runId.value());
                ps.setString(5, RunKeys.predictionsPart(runId, 1).key());
                ps.executeUpdate();
            }
        }
        return runId;
    }

    @Test
    void theDocumentedExamplesAreValidAnswers() {
        for (String operation : List.of(REFRESH, LATEST_RUN, RUN_STATUS)) {
            responses(operation).forEach((status, response) -> {
                Map<String, Object> content = Template.map(response(response).get("content"));
                Map<String, Object> json = Template.map(content.get("application/json"));
                Object example = json.get("example");
                assertNotNull(example, operation + ": " + status + " has no example");
                assertEquals(
                        List.of(),
                        violations(
                                TriggerJson.MAPPER.valueToTree(example), Template.map(json.get("schema")), "example"),
                        operation + ": " + status + "'s example");
            });
        }
    }

    /**
     * The handler's answers to the HTTP API samples (before any run is recorded), to a refresh Lambda would not queue,
     * to the status of recorded runs, and to status requests while the database cannot be reached.
     */
    private static List<Answer> answers() throws IOException, SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM prediction_runs");
        }
        List<Answer> answers = new ArrayList<>();
        List<Path> samples = new ArrayList<>();
        for (Path directory :
                List.of(SampleEvents.directory(PipelineStep.WRANGLE), SampleEvents.DIRECTORY.resolve("tests"))) {
            try (var files = Files.list(directory)) {
                files.filter(f -> f.getFileName().toString().startsWith("http-api-"))
                        .sorted()
                        .forEach(samples::add);
            }
        }
        assertTrue(samples.size() >= 6, "HTTP API samples: " + samples);
        RequestStreamHandler handler = WrangleHandlerOnLocalLambda.create(configuration(), lambda.endpoint());
        for (Path sample : samples) {
            byte[] event = Files.readAllBytes(sample);
            answers.add(
                    invoke(handler, event, Template.DIRECTORY.relativize(sample).toString()));
            String text = new String(event, StandardCharsets.UTF_8);
            if (RUN_ID.matcher(text).find()) {
                answers.add(invoke(
                        handler,
                        RUN_ID.matcher(text)
                                .replaceAll(m -> RunId.newRun().value())
                                .getBytes(StandardCharsets.UTF_8),
                        Template.DIRECTORY.relativize(sample) + " with a run id made now"));
            }
            lambda.takeQueued();
        }
        RunId used = RunId.newRun();
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO prediction_runs (run_id, step, part,"
                        + " started_at, status) VALUES (?, 'wrangle', '', now(), 'wrangled')")) {
            ps.setString(1, used.value());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record a used run id", e);
        }
        String refreshSample = Files.readString(
                SampleEvents.directory(PipelineStep.WRANGLE).resolve("http-api-refresh.json"), StandardCharsets.UTF_8);
        answers.add(invoke(
                handler,
                SampleEvents.withBodyRunIds(refreshSample, RUN_ID, old -> used.value()),
                "POST /refresh naming a run already wrangled"));
        // Lambda's Invoke API unreachable: nothing listens on the port any more.
        URI unreachable;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        RequestStreamHandler refused = WrangleHandlerOnLocalLambda.create(configuration(), unreachable);
        Path refresh = SampleEvents.directory(PipelineStep.WRANGLE).resolve("http-api-refresh.json");
        answers.add(invoke(
                refused,
                SampleEvents.withBodyRunIds(
                        Files.readString(refresh, StandardCharsets.UTF_8),
                        RUN_ID,
                        old -> RunId.newRun().value()),
                "POST /refresh while Lambda does not queue it"));

        RunId recorded = recordedRun();
        answers.add(invoke(handler, runStatusRequest("/runs/" + recorded.value()), "GET /runs/{runId} of a run"));
        answers.add(invoke(
                handler, runStatusRequest("/runs/" + stalledRun().value()), "GET /runs/{runId} of a stalled run"));
        answers.add(invoke(handler, runStatusRequest("/runs/latest"), "GET /runs/latest with runs recorded"));
        // The database unreachable: nothing listens on its port any more.
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> noDatabase = new LinkedHashMap<>(environment());
        noDatabase.put(PipelineConfig.RDS_PORT, String.valueOf(closedPort));
        RequestStreamHandler cutOff =
                WrangleHandlerOnLocalLambda.create(PipelineConfig.from(noDatabase), lambda.endpoint());
        answers.add(invoke(cutOff, runStatusRequest("/runs/latest"), "GET /runs/latest without a database"));
        answers.add(
                invoke(cutOff, runStatusRequest("/runs/" + recorded.value()), "GET /runs/{runId} without a database"));
        return answers;
    }

    /** GET of a run status path, the sample for GET /runs/latest with its path replaced. */
    private static byte[] runStatusRequest(String path) throws IOException {
        String sample = Files.readString(
                SampleEvents.directory(PipelineStep.WRANGLE).resolve("http-api-runs-latest.json"),
                StandardCharsets.UTF_8);
        return sample.replace("\"/runs/latest\"", "\"" + path + "\"").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A complete run of two parts, recorded as the steps record one: the run's row as a wrangle leaves it and two update
     * records through {@link RunLedger#record}, each part made by another model object (one of them from a
     * bucket without versions).
     */
    private static RunId recordedRun() throws SQLException {
        RunId runId = RunId.newAt(Instant.parse("2026-11-23T10:15:00Z"));
        try (Connection c = PG.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO prediction_runs (run_id, step, part,"
                    + " started_at, finished_at, completed_at, rows, status, parts, details) VALUES (?, 'wrangle', '',"
                    + " '2026-11-23T10:15:00Z', '2026-11-23T10:15:04Z', '2026-11-23T10:15:09Z', 1500, 'complete', 2,"
                    + " '{\"origin\": \"caller\", \"attempt\": 1, \"rejected\": 4}')")) {
                ps.setString(1, runId.value());
                ps.executeUpdate();
            }
            recordPart(c, runId, 0, 1400, "etag-a", "version-a", 7, 3, 1200, "2026-11-23T10:15:06Z");
            recordPart(c, runId, 1, 90, "etag-b", null, 0, 2, 800, "2026-11-23T10:15:09Z");
        }
        return runId;
    }

    @SuppressWarnings("TooManyParameters") // one update record's fields, as the step writes them
    private static void recordPart(
            Connection c,
            RunId runId,
            int number,
            long written,
            String modelEtag,
            String modelVersion,
            long stale,
            long unmatched,
            long durationMs,
            String finishedAt)
            throws SQLException {
        Instant finished = Instant.parse(finishedAt);
        RunLedger.record(
                c,
                new RunLedger.Entry(
                        runId.value(),
                        "update",
                        RunKeys.predictionsPart(runId, number).key(),
                        finished.minusMillis(durationMs),
                        finished,
                        written,
                        "exit-destination",
                        "applied",
                        Map.of(
                                "modelEtag",
                                modelEtag,
                                "skipped",
                                Map.of("stale", stale, "unmatched", unmatched),
                                "durationMs",
                                durationMs)),
                "content-" + number,
                modelVersion);
    }

    /** The run whose start the database recorded last. */
    private static String latestStartedRun() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT run_id FROM prediction_runs WHERE step = 'wrangle'"
                        + " AND part = '' ORDER BY started_at DESC, run_id DESC LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Answer invoke(RequestStreamHandler handler, byte[] event, String request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(event),
                out,
                new InvocationContext(
                        DEPLOYMENT.string(WRANGLE.properties().get("FunctionName")),
                        Integer.parseInt(DEPLOYMENT.string(WRANGLE.properties().get("MemorySize"))),
                        Integer.parseInt(DEPLOYMENT.string(WRANGLE.properties().get("Timeout")))));
        JsonNode response = TriggerJson.MAPPER.readTree(out.toByteArray());
        Map<String, String> headers = new TreeMap<>();
        response.path("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        return new Answer(
                request,
                operationOf(TriggerJson.MAPPER.readTree(event).path("rawPath").asText()),
                response.path("statusCode").asInt(),
                headers,
                TriggerJson.MAPPER.readTree(response.path("body").asText()));
    }

    /**
     * The operation that documents what a request's path answers: a run status path's GET, and POST /refresh for
     * /refresh and any path the API does not have.
     */
    private static String operationOf(String path) {
        if (path.equals("/runs/latest")) {
            return LATEST_RUN;
        }
        if (path.matches("/runs/[^/]+")) {
            return RUN_STATUS;
        }
        return REFRESH;
    }

    /**
     * The wrangle function's configuration from the template, with the test's database (answering the API checks a
     * caller's run id and reads runs' status there) and an S3 endpoint that is never reached (the run happens in the
     * queued invocation).
     */
    private static PipelineConfig configuration() {
        return PipelineConfig.from(environment());
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(WRANGLE.environment(DEPLOYMENT));
        URI db = URI.create(PG.jdbcUrl().substring("jdbc:".length()));
        env.remove(PipelineConfig.DB_SECRET_ARN);
        env.put(PipelineConfig.RDS_HOST, db.getHost());
        env.put(PipelineConfig.RDS_PORT, String.valueOf(db.getPort()));
        env.put(PipelineConfig.RDS_DB_NAME, db.getPath().substring(1));
        env.put(PipelineConfig.RDS_USERNAME, PG.user());
        env.put(PipelineConfig.RDS_USER_PWD, PG.password());
        env.put(PipelineConfig.DB_SSL_MODE, "disable");
        env.put(PipelineConfig.S3_ENDPOINT, "http://127.0.0.1:9");
        env.put(PipelineConfig.AWS_ACCESS_KEY_ID, "AKIDOPENAPITEST");
        env.put(PipelineConfig.AWS_SECRET_ACCESS_KEY, "openapi-test-secret");
        return env;
    }

    /** The responses openapi.yaml documents for an operation ("method path"). */
    private static Map<String, Object> responses(String operation) {
        String[] methodAndPath = operation.split(" ", 2);
        Map<String, Object> documented =
                Template.map(Template.map(Template.map(openApi.get("paths")).get(methodAndPath[1]))
                        .get(methodAndPath[0]));
        return Template.map(documented.get("responses"));
    }

    /** A response, or the shared one of components.responses its $ref names. */
    private static Map<String, Object> response(Object declared) {
        Map<String, Object> response = Template.map(declared);
        Object ref = response.get("$ref");
        if (ref == null) {
            return response;
        }
        String name = String.valueOf(ref).substring("#/components/responses/".length());
        Map<String, Object> shared = Template.map(
                Template.map(Template.map(openApi.get("components")).get("responses"))
                        .get(name));
        assertNotNull(shared, ref + " names no response");
        return shared;
    }

    private static Map<String, Object> jsonSchema(Map<String, Object> response) {
        Map<String, Object> content = Template.map(response.get("content"));
        return Template.map(Template.map(content.get("application/json")).get("schema"));
    }

    /**
     * What of {@code value} the schema does not allow: the parts of OpenAPI's schema objects openapi.yaml uses
     * ($ref, oneOf, nullable, type object, array, integer or string, required, properties, items,
     * additionalProperties false, enum, pattern).
     */
    private static List<String> violations(JsonNode value, Map<String, Object> schema, String where) {
        List<String> found = new ArrayList<>();
        if (schema.containsKey("$ref")) {
            String ref = String.valueOf(schema.get("$ref"));
            String name = ref.substring("#/components/schemas/".length());
            Map<String, Object> schemas =
                    Template.map(Template.map(openApi.get("components")).get("schemas"));
            Object target = schemas.get(name);
            if (target == null) {
                found.add(where + ": " + ref + " names no schema");
                return found;
            }
            return violations(value, Template.map(target), where);
        }
        if (schema.containsKey("oneOf")) {
            long matching = Template.list(schema.get("oneOf")).stream()
                    .filter(alternative ->
                            violations(value, Template.map(alternative), where).isEmpty())
                    .count();
            if (matching != 1) {
                found.add(where + " matches " + matching + " of the oneOf alternatives, not one");
            }
            return found;
        }
        if (value.isNull()) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                found.add(where + " is null, which the schema does not allow");
            }
            return found;
        }
        String type = String.valueOf(schema.get("type"));
        switch (type) {
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    found.add(where + " is not an integer");
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    found.add(where + " is not an array");
                    return found;
                }
                Map<String, Object> items = Template.map(schema.get("items"));
                for (int i = 0; i < value.size(); i++) {
                    found.addAll(violations(value.get(i), items, where + "[" + i + "]"));
                }
            }
            case "object" -> {
                if (!value.isObject()) {
                    found.add(where + " is not an object");
                    return found;
                }
                Map<String, Object> properties = Template.map(schema.getOrDefault("properties", Map.of()));
                for (Object required : Template.list(schema.getOrDefault("required", List.of()))) {
                    if (!value.has(String.valueOf(required))) {
                        found.add(where + " lacks " + required);
                    }
                }
                for (Map.Entry<String, JsonNode> field : value.properties()) {
                    Object property = properties.get(field.getKey());
                    if (property == null) {
                        if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
                            found.add(where + " has the undocumented field " + field.getKey());
                        }
                    } else {
                        found.addAll(
                                violations(field.getValue(), Template.map(property), where + "." + field.getKey()));
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    found.add(where + " is not a string");
                    return found;
                }
                Object allowed = schema.get("enum");
                if (allowed != null && !Template.list(allowed).contains(value.asText())) {
                    found.add(where + " is '" + value.asText() + "', not one of " + allowed);
                }
                Object pattern = schema.get("pattern");
                if (pattern != null
                        && !Pattern.compile(String.valueOf(pattern))
                                .matcher(value.asText())
                                .find()) {
                    found.add(where + " '" + value.asText() + "' does not match " + pattern);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    found.add(where + " is not a boolean");
                }
            }
            default -> found.add(where + ": the schema's type '" + type + "' is not checked here; extend OpenApiTest");
        }
        return found;
    }
}
