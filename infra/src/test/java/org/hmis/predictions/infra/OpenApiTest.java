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
import java.sql.SQLException;
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
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.wrangle.WrangleHandlerOnLocalLambda;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * openapi.yaml says what POST /refresh answers, and the wrangle handler the template deploys answers exactly that:
 * every HTTP API sample is sent to the handler (the refresh samples both as written, whose run id is too old now, and
 * with a run id made now), a run id already used, and one request while Lambda's Invoke API refuses; each answer's
 * status is documented with a schema its body satisfies. A documented status the handler never returns must be one
 * API Gateway returns itself, with API Gateway's body.
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

    /** One answer of the handler: the request it was, and what came back. */
    record Answer(String request, int status, Map<String, String> headers, JsonNode body) {}

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
    void everyStatusTheHandlerAnswersIsDocumentedWithItsBody() throws IOException {
        Map<String, Object> responses = responses();
        List<Answer> answers = answers();
        Set<Integer> answered = new TreeSet<>();
        for (Answer answer : answers) {
            answered.add(answer.status());
            Map<String, Object> response = Template.map(responses.get(String.valueOf(answer.status())));
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
                new TreeSet<>(List.of(202, 400, 404, 405, 409, 503)),
                answered,
                "the samples drive every status the handler answers");

        for (String status : responses.keySet()) {
            int code = Integer.parseInt(status);
            if (answered.contains(code)) {
                continue;
            }
            assertTrue(
                    GATEWAY_STATUSES.contains(code),
                    "openapi.yaml documents " + status + ", which neither the handler nor API Gateway answers");
            assertEquals(
                    "#/components/schemas/GatewayMessage",
                    Template.map(jsonSchema(Template.map(responses.get(status))))
                            .get("$ref"),
                    status + " comes from API Gateway alone, with its own body");
        }
    }

    @Test
    void theDocumentedExamplesAreValidAnswers() {
        responses().forEach((status, response) -> {
            Map<String, Object> content = Template.map(Template.map(response).get("content"));
            Map<String, Object> json = Template.map(content.get("application/json"));
            Object example = json.get("example");
            assertNotNull(example, status + " has no example");
            assertEquals(
                    List.of(),
                    violations(TriggerJson.MAPPER.valueToTree(example), Template.map(json.get("schema")), "example"),
                    status + "'s example");
        });
    }

    /** The handler's answers to the HTTP API samples, and to a refresh Lambda would not queue. */
    private static List<Answer> answers() throws IOException {
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
        return answers;
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
                response.path("statusCode").asInt(),
                headers,
                TriggerJson.MAPPER.readTree(response.path("body").asText()));
    }

    /**
     * The wrangle function's environment from the template, with the test's database (answering the API checks a
     * caller's run id there) and an S3 endpoint that is never reached (the run happens in the queued invocation).
     */
    private static PipelineConfig configuration() {
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
        return PipelineConfig.from(env);
    }

    private static Map<String, Object> responses() {
        Map<String, Object> post = Template.map(
                Template.map(Template.map(openApi.get("paths")).get("/refresh")).get("post"));
        return Template.map(post.get("responses"));
    }

    private static Map<String, Object> jsonSchema(Map<String, Object> response) {
        Map<String, Object> content = Template.map(response.get("content"));
        return Template.map(Template.map(content.get("application/json")).get("schema"));
    }

    /**
     * What of {@code value} the schema does not allow: the parts of OpenAPI's schema objects openapi.yaml uses
     * ($ref, oneOf, type object or string, required, properties, additionalProperties false, enum, pattern).
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
        String type = String.valueOf(schema.get("type"));
        switch (type) {
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
            default -> found.add(where + ": the schema's type '" + type + "' is not checked here; extend OpenApiTest");
        }
        return found;
    }
}
