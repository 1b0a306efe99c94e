package org.hmis.predictions.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the function writes to its log, as Lambda captures it: every line one JSON object, the log events with the
 * invocation's fields (request id, function version, cold start, step, run id) beside timestamp, level and message,
 * the container's first invocation publishing ColdStart, and nothing of one invocation left on the next one's lines.
 */
class RemoveExitedLogsTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final String FUNCTION = "exit-destination-refresh-remove-exited-predictions";
    /** A role of this test's own, whose password is written nowhere but in the handler's configuration. */
    private static final String ROLE = "remove_logs_test";

    private static final String PASSWORD = "remove-logs-" + UUID.randomUUID();

    private static RemoveExitedHandler handler;

    /** A new container: the handler built with the role's password, then invoked; MIGRATE=true logs the migrations. */
    @BeforeAll
    static void setUp() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            GuestsTable.create(c, SqlIdentifier.of("guests"));
            st.execute("INSERT INTO guests (personal_id, enroll_date, exit_date, exit_destination) VALUES"
                    + " (1, '2026-01-05', NULL, NULL), (2, '2025-03-01', '2025-06-30', 'Other')");
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN"
                    + " CREATE ROLE " + ROLE + " LOGIN; END IF; END $$");
            st.execute("ALTER ROLE " + ROLE + " PASSWORD '" + PASSWORD + "'");
            st.execute("ALTER SCHEMA public OWNER TO " + ROLE);
            st.execute("ALTER TABLE guests OWNER TO " + ROLE);
        }
        URI db = URI.create(PG.jdbcUrl().substring("jdbc:".length()));
        handler = new RemoveExitedHandler(PipelineConfig.from(Map.of(
                "RDS_HOST",
                db.getHost(),
                "RDS_PORT",
                String.valueOf(db.getPort()),
                "RDS_DB_NAME",
                db.getPath().substring(1),
                "RDS_USERNAME",
                ROLE,
                "RDS_USER_PWD",
                PASSWORD,
                "DB_SSL_MODE",
                "disable",
                "MIGRATE",
                "true")));
    }

    @Test
    void everyLineIsJsonWithTheInvocationsFieldsAndTheFirstInvocationIsTheColdStart() throws IOException {
        Captured first = invoke("{\"trigger\":\"schedule\",\"scheduledTime\":\"2026-11-23T06:00:00Z\"}", "request-1");
        String runId = first.answer().path("runId").asText();
        assertFalse(first.events().isEmpty(), "the run logs what it did: " + first.text());
        for (JsonNode event : first.events()) {
            assertLambdaFields(event);
            assertEquals("request-1", event.path("requestId").asText(), event.toString());
            assertEquals("7", event.path("functionVersion").asText(), event.toString());
            assertEquals("true", event.path("coldStart").asText(), event.toString());
            assertEquals("remove", event.path("step").asText(), event.toString());
            assertEquals(runId, event.path("runId").asText(), event.toString());
            assertFalse(event.has("partKey"), "remove works on no part: " + event);
        }
        assertTrue(
                first.events().stream().anyMatch(e -> e.path("message").asText().startsWith("marked 1 exited guests")),
                "the step's own line: " + first.text());
        assertEquals(1, first.metrics("ColdStart").size(), "published once, on the first invocation: " + first.text());
        JsonNode coldStart = first.metrics("ColdStart").get(0);
        assertEquals(1, coldStart.path("ColdStart").asInt());
        assertEquals(FUNCTION, coldStart.path("Function").asText());
        assertEquals(
                "Count",
                coldStart
                        .path("_aws")
                        .path("CloudWatchMetrics")
                        .get(0)
                        .path("Metrics")
                        .get(0)
                        .path("Unit")
                        .asText());

        // The same container again: no cold start, the new request's fields, none of the first one's.
        Captured second = invoke("{}", "request-2");
        String secondRun = second.answer().path("runId").asText();
        assertTrue(second.metrics("ColdStart").isEmpty(), second.text());
        for (JsonNode event : second.events()) {
            assertLambdaFields(event);
            assertEquals("request-2", event.path("requestId").asText(), event.toString());
            assertEquals("false", event.path("coldStart").asText(), event.toString());
            assertEquals(secondRun, event.path("runId").asText(), event.toString());
        }
        assertTrue(
                MDC.getCopyOfContextMap() == null || MDC.getCopyOfContextMap().isEmpty(), "fields cleared");

        // A refused run: its lines name the run, and nothing is left on the lines after the invocation.
        Captured refused = capture(() -> assertThrows(
                RunRefusedException.class,
                () -> handler.handleRequest(
                        new ByteArrayInputStream(
                                "{\"runId\":\"20200101T000000Z-0000\"}".getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(),
                        new LambdaContext("request-3"))));
        refused.events()
                .forEach(e ->
                        assertEquals("20200101T000000Z-0000", e.path("runId").asText(), e.toString()));
        Captured after = capture(
                () -> LoggerFactory.getLogger(RemoveExitedLogsTest.class).info("a line outside any invocation"));
        JsonNode outside = after.events().get(0);
        assertLambdaFields(outside);
        for (String field : List.of("requestId", "functionVersion", "coldStart", "step", "runId")) {
            assertFalse(outside.has(field), field + " outlived its invocation: " + outside);
        }

        for (Captured captured : List.of(first, second, refused)) {
            assertFalse(captured.text().contains(PASSWORD), "the database password was logged: " + captured.text());
        }
    }

    private static void assertLambdaFields(JsonNode event) {
        assertTrue(
                event.path("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                event.toString());
        assertTrue(
                List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
                        .contains(event.path("level").asText()),
                event.toString());
        assertTrue(event.path("message").isTextual(), event.toString());
    }

    /** What one invocation wrote to standard output, each line parsed: log events, and metric records. */
    record Captured(String text, JsonNode answer, List<JsonNode> events, List<JsonNode> records) {
        List<JsonNode> metrics(String name) {
            return records.stream().filter(r -> r.has(name)).toList();
        }
    }

    interface Call {
        void run() throws IOException;
    }

    private static Captured invoke(String event, String requestId) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        Captured captured = capture(() -> handler.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                answer,
                new LambdaContext(requestId)));
        return new Captured(
                captured.text(),
                TriggerJson.MAPPER.readTree(answer.toByteArray()),
                captured.events(),
                captured.records());
    }

    /** Runs {@code call} with standard output captured, as Lambda captures it, and parses every line as JSON. */
    private static Captured capture(Call call) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            call.run();
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        List<JsonNode> events = new ArrayList<>();
        List<JsonNode> records = new ArrayList<>();
        for (String line : text.lines().toList()) {
            JsonNode node = TriggerJson.MAPPER.readTree(line);
            assertTrue(node.isObject(), "not one JSON object: " + line);
            (node.has("_aws") ? records : events).add(node);
        }
        return new Captured(text, null, events, records);
    }

    /** The context Lambda hands the handler: a request id and the function's name and version. */
    private record LambdaContext(String requestId) implements Context {
        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + FUNCTION;
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return FUNCTION;
        }

        @Override
        public String getFunctionVersion() {
            return "7";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:" + FUNCTION + ":7";
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
            return 300_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            throw new UnsupportedOperationException("the functions log through SLF4J");
        }
    }
}
