package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The handler driven by the event shapes it receives in production. POST /refresh queues an invocation through
 * Lambda's Invoke API: here an HTTP server on loopback stands in for Lambda's endpoint, records what the handler
 * sent, and the test hands the queued payload back to the handler, as Lambda would.
 */
class WrangleHandlerTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final String FUNCTION_ARN =
            "arn:aws:lambda:us-east-1:123456789012:function:refresh-wrangle-step:live";
    private static final String FIXTURE_RUN_ID = "20261123T101500Z-3f9a";

    /** One request that reached the stand-in Lambda endpoint. */
    record Invocation(String method, String rawPath, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private static final List<Invocation> INVOCATIONS = new CopyOnWriteArrayList<>();
    private static volatile int lambdaStatus;
    private static volatile String lambdaError;
    private static HttpServer lambdaEndpoint;
    private static WrangleHandler handler;

    @BeforeAll
    static void setUp() throws SQLException, IOException {
        PipelineSchema.migrate(PG.dataSource(), SqlIdentifier.of("guests"));
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            GuestsTable.create(c, SqlIdentifier.of("guests"));
            st.execute("INSERT INTO guests (personal_id, enroll_date, exit_date, race) VALUES"
                    + " (1, '2026-01-05', NULL, 'White'), (2, '2026-01-06', NULL, 'Asian'), (3, '2026-01-07', NULL, NULL),"
                    + " (4, '2025-03-01', '2025-06-30', 'White')");
        }
        // The wrangle writes the specification of the model's manifest.
        S3.s3Client()
                .putObject(
                        put -> put.bucket(S3.bucket()).key(RunKeys.manifestKey("exit-destination")),
                        software.amazon.awssdk.core.sync.RequestBody.fromString(
                                DeployedManifests.manifest(FeatureSpec.V1, null).toJson()));
        lambdaEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        lambdaEndpoint.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            INVOCATIONS.add(new Invocation(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    new String(body, StandardCharsets.UTF_8)));
            byte[] answer = lambdaError == null ? new byte[0] : lambdaError.getBytes(StandardCharsets.UTF_8);
            if (lambdaError != null) {
                exchange.getResponseHeaders().add("X-Amzn-ErrorType", "TooManyRequestsException");
            }
            exchange.sendResponseHeaders(lambdaStatus, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        lambdaEndpoint.start();
        URI lambdaUri = URI.create("http://" + lambdaEndpoint.getAddress().getHostString() + ":"
                + lambdaEndpoint.getAddress().getPort());
        LambdaClient lambda = LambdaClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(lambdaUri)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDWRANGLETEST", "wrangle-test-secret")))
                // One request per call, so the test sees exactly what the handler sent.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();

        URI db = URI.create(PG.jdbcUrl().substring("jdbc:".length()));
        PipelineConfig config = PipelineConfig.from(Map.ofEntries(
                Map.entry("RDS_HOST", db.getHost()), Map.entry("RDS_PORT", String.valueOf(db.getPort())),
                Map.entry("RDS_DB_NAME", db.getPath().substring(1)), Map.entry("RDS_USERNAME", PG.user()),
                Map.entry("RDS_USER_PWD", PG.password()), Map.entry("DB_SSL_MODE", "disable"),
                Map.entry("S3_BUCKET", S3.bucket()),
                        Map.entry("S3_ENDPOINT", S3.endpoint().toString()),
                Map.entry("AWS_REGION", S3.region()), Map.entry("AWS_ACCESS_KEY_ID", S3.accessKey()),
                Map.entry("AWS_SECRET_ACCESS_KEY", S3.secretKey()), Map.entry("PART_ROWS", "2")));
        handler = new WrangleHandler(config, () -> lambda);
    }

    @AfterAll
    static void stop() {
        lambdaEndpoint.stop(0);
    }

    @BeforeEach
    void lambdaAccepts() {
        INVOCATIONS.clear();
        lambdaStatus = 202;
        lambdaError = null;
    }

    private static JsonNode invoke(String fixture) throws IOException {
        try (InputStream in = WrangleHandlerTest.class.getResourceAsStream("/events/" + fixture)) {
            return invoke(in.readAllBytes());
        }
    }

    private static JsonNode invoke(byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, lambdaContext());
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }

    /** An HTTP API answer's body, parsed. */
    private static JsonNode body(JsonNode response) throws IOException {
        assertEquals(
                "application/json",
                response.path("headers").path("content-type").asText());
        return TriggerJson.MAPPER.readTree(response.get("body").asText());
    }

    private static List<String> keysUnder(String prefix) {
        return S3.s3Client().listObjectsV2(list -> list.bucket(S3.bucket()).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private static void assertWrangledAll(JsonNode summary) {
        assertEquals("wrangle", summary.get("step").asText());
        assertEquals(3, summary.get("rows").asLong(), "the three current guests");
        String runId = summary.get("runId").asText();
        RunId.parse(runId);
        assertEquals(
                List.of("wrangled/" + runId + "/part-00000.csv", "wrangled/" + runId + "/part-00001.csv"),
                TriggerJson.MAPPER.convertValue(summary.get("parts"), List.class));
        assertEquals(0, summary.get("rejected").asLong());
        assertEquals("v1", summary.get("featureSpecVersion").asText());
        assertEquals(
                "wrangled 3 current guests into 2 parts", summary.get("message").asText());
        assertTrue(summary.has("durationMs"));
        assertTrue(summary.get("unknownValues").isObject());
        assertEquals(
                List.of(
                        "wrangled/" + runId + "/_manifest.json",
                        "wrangled/" + runId + "/part-00000.csv",
                        "wrangled/" + runId + "/part-00001.csv"),
                keysUnder("wrangled/" + runId + "/"));
        assertEquals("wrangled", summary.get("status").asText());
    }

    /** The POST /refresh fixture with its body asking for {@code runId}. */
    private static byte[] refreshAsking(String runId) throws IOException {
        try (InputStream in = WrangleHandlerTest.class.getResourceAsStream("/events/tests/http-api-refresh.json")) {
            com.fasterxml.jackson.databind.node.ObjectNode event =
                    (com.fasterxml.jackson.databind.node.ObjectNode) TriggerJson.MAPPER.readTree(in);
            event.put(
                    "body",
                    java.util.Base64.getEncoder()
                            .encodeToString(("{\"runId\":\"" + runId + "\"}").getBytes(StandardCharsets.UTF_8)));
            return TriggerJson.MAPPER.writeValueAsBytes(event);
        }
    }

    @Test
    void aScheduleWranglesUnderTheRunItsTimeNamesAndASecondDeliveryDoesNothing() throws IOException {
        JsonNode summary = invoke("tests/eventbridge-scheduled.json");
        assertWrangledAll(summary);
        assertEquals(
                RunId.forSchedule(java.time.Instant.parse("2026-11-23T06:00:00Z"), "wrangle")
                        .value(),
                summary.get("runId").asText());
        // EventBridge Scheduler's input for the same night's schedule: the same run, which is done.
        JsonNode again = invoke("tests/scheduler-input.json");
        assertEquals(summary.get("runId").asText(), again.get("runId").asText());
        assertEquals("nothing-to-do", again.get("status").asText());
        assertEquals(0, again.get("parts").size());
    }

    @Test
    void aDirectInvokeUsesARecentNewRunIdOrANewOne() throws IOException {
        RunRefusedException old = assertThrows(RunRefusedException.class, () -> invoke("wrangle-step/direct.json"));
        assertEquals(RunRefusedException.Reason.BAD_TIME, old.reason());
        assertTrue(
                old.getMessage().startsWith("run id " + FIXTURE_RUN_ID + " names 2026-11-23T10:15:00Z"),
                old.getMessage());
        String recent = RunId.newRun().value();
        JsonNode named = invoke(("{\"runId\":\"" + recent + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(recent, named.get("runId").asText());
        assertWrangledAll(named);
        RunRefusedException used = assertThrows(
                RunRefusedException.class,
                () -> invoke(("{\"runId\":\"" + recent + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(RunRefusedException.Reason.ALREADY_USED, used.reason());
        JsonNode fresh = invoke("tests/direct-empty.json");
        assertWrangledAll(fresh);
        assertNotEquals(recent, fresh.get("runId").asText());
        assertTrue(INVOCATIONS.isEmpty(), "only the API queues an invocation");
    }

    @Test
    void postRefreshAnswers202AndQueuesTheRunThatThenWritesThePromisedKeys() throws IOException {
        String requested = RunId.newRun().value();
        JsonNode response = invoke(refreshAsking(requested));

        assertEquals(202, response.get("statusCode").asInt());
        JsonNode accepted = body(response);
        assertEquals(requested, accepted.get("runId").asText(), "the body's run id");
        assertEquals("accepted", accepted.get("status").asText());
        assertEquals(S3.bucket(), accepted.get("bucket").asText());
        assertEquals("wrangled/" + requested + "/", accepted.get("prefix").asText());
        assertEquals(
                "wrangled/" + requested + "/part-NNNNN.csv",
                accepted.get("parts").asText());
        assertEquals(
                "wrangled/" + requested + "/rejected.csv",
                accepted.get("rejected").asText());

        assertEquals(1, INVOCATIONS.size());
        Invocation queued = INVOCATIONS.get(0);
        assertEquals("POST", queued.method());
        assertEquals("/2015-03-31/functions/" + FUNCTION_ARN.replace(":", "%3A") + "/invocations", queued.rawPath());
        assertEquals("Event", queued.header("X-Amz-Invocation-Type"));
        String authorization = queued.header("Authorization");
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDWRANGLETEST/"), authorization);
        assertTrue(authorization.contains("/us-east-1/lambda/aws4_request"), authorization);
        JsonNode payload = TriggerJson.MAPPER.readTree(queued.body());
        assertEquals(requested, payload.get("runId").asText());
        assertEquals("JKJaXmPLvHcESHA=", payload.get("apiRequestId").asText());

        // Lambda delivers the queued event: a direct invoke that does the work under the promised prefix.
        JsonNode summary = invoke(queued.body().getBytes(StandardCharsets.UTF_8));
        assertWrangledAll(summary);
        assertEquals(requested, summary.get("runId").asText());
        for (JsonNode key : summary.get("parts")) {
            assertTrue(key.asText().startsWith(accepted.get("prefix").asText()), key.asText());
        }

        // The same run asked for again is refused: it is wrangled.
        INVOCATIONS.clear();
        JsonNode again = invoke(refreshAsking(requested));
        assertEquals(409, again.get("statusCode").asInt());
        assertTrue(body(again).get("error").asText().contains("was wrangled already"), again.toString());
        assertTrue(INVOCATIONS.isEmpty(), "nothing is queued for a refused run");
    }

    @Test
    void postRefreshWithARunIdFarFromNowIs400() throws IOException {
        JsonNode response = invoke("tests/http-api-refresh.json");
        assertEquals(400, response.get("statusCode").asInt());
        assertTrue(
                body(response)
                        .get("error")
                        .asText()
                        .startsWith("run id " + FIXTURE_RUN_ID + " names 2026-11-23T10:15:00Z, more than 15 minutes"),
                body(response).toString());
        JsonNode future = invoke(refreshAsking("99991231T235959Z-ffff"));
        assertEquals(400, future.get("statusCode").asInt());
        assertTrue(body(future).get("error").asText().contains("after the database's clock"), future.toString());
        assertTrue(INVOCATIONS.isEmpty());
    }

    @Test
    void postRefreshWithoutABodyStartsANewRun() throws IOException {
        JsonNode response = invoke("tests/http-api-refresh-no-body.json");
        assertEquals(202, response.get("statusCode").asInt());
        String runId = body(response).get("runId").asText();
        RunId.parse(runId);
        assertNotEquals(FIXTURE_RUN_ID, runId);
        assertEquals(
                runId,
                TriggerJson.MAPPER
                        .readTree(INVOCATIONS.get(0).body())
                        .get("runId")
                        .asText());
    }

    @Test
    void anotherMethodIs405AndAnotherPath404() throws IOException {
        JsonNode get = invoke("tests/http-api-refresh-get.json");
        assertEquals(405, get.get("statusCode").asInt());
        assertEquals("POST", get.path("headers").path("allow").asText());
        assertEquals(
                "GET is not allowed on /refresh; use POST",
                body(get).get("error").asText());

        JsonNode elsewhere = invoke("tests/http-api-other-path.json");
        assertEquals(404, elsewhere.get("statusCode").asInt());
        assertEquals(
                "no such resource: /predict; the API has POST /refresh, GET /runs/latest and GET /runs/{runId}",
                body(elsewhere).get("error").asText());
        assertTrue(INVOCATIONS.isEmpty());
    }

    @Test
    void aMalformedBodyIs400NamingTheProblem() throws IOException {
        JsonNode notJson = invoke("tests/http-api-refresh-not-json.json");
        assertEquals(400, notJson.get("statusCode").asInt());
        assertTrue(
                body(notJson).get("error").asText().startsWith("the request body is not JSON"),
                body(notJson).toString());

        JsonNode badRunId = invoke("tests/http-api-refresh-bad-run-id.json");
        assertEquals(400, badRunId.get("statusCode").asInt());
        assertEquals(
                "runId: run id 'tomorrow' is not of the form 20261123T101500Z-3f9a",
                body(badRunId).get("error").asText());

        JsonNode unknownField = invoke("tests/http-api-refresh-unknown-field.json");
        assertEquals(400, unknownField.get("statusCode").asInt());
        assertEquals(
                "the request body has an unknown field 'runid'; it may hold only runId",
                body(unknownField).get("error").asText());
        assertTrue(INVOCATIONS.isEmpty(), "nothing is queued for a bad request");
    }

    @Test
    void whenLambdaDoesNotQueueTheRunTheAnswerIs503WithTheReason() throws IOException {
        lambdaStatus = 429;
        lambdaError = "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\"}";
        JsonNode response = invoke(refreshAsking(RunId.newRun().value()));
        assertEquals(503, response.get("statusCode").asInt());
        String error = body(response).get("error").asText();
        assertTrue(error.startsWith("the refresh could not be started, try again: "), error);
        assertTrue(error.contains("Rate Exceeded.") && error.contains("Status Code: 429"), error);
    }

    @Test
    void otherTriggersAreRefusedByName() {
        InvalidTriggerException s3 =
                assertThrows(InvalidTriggerException.class, () -> invoke("tests/s3-object-created.json"));
        assertEquals(
                "wrangle-step takes a schedule, a direct invoke or POST /refresh, not ObjectsCreated", s3.getMessage());
        InvalidTriggerException badRunId = assertThrows(
                InvalidTriggerException.class,
                () -> invoke("{\"runId\":\"yesterday\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("runId: run id 'yesterday' is not of the form 20261123T101500Z-3f9a", badRunId.getMessage());
    }

    private static Context lambdaContext() {
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return "4c1c4f1e-6a4e-4f57-9a4d-0d5c3b3b7a01";
            }

            @Override
            public String getLogGroupName() {
                return "/aws/lambda/refresh-wrangle-step";
            }

            @Override
            public String getLogStreamName() {
                return "2026/11/23/[live]0123456789abcdef";
            }

            @Override
            public String getFunctionName() {
                return "refresh-wrangle-step";
            }

            @Override
            public String getFunctionVersion() {
                return "7";
            }

            @Override
            public String getInvokedFunctionArn() {
                return FUNCTION_ARN;
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getRemainingTimeInMillis() {
                return 900_000;
            }

            @Override
            public int getMemoryLimitInMB() {
                return 1769;
            }

            @Override
            public LambdaLogger getLogger() {
                return null;
            }
        };
    }
}
