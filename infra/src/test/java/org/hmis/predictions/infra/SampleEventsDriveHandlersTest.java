package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.ReferenceSchema;
import org.hmis.predictions.common.trigger.TriggerJson;
import org.hmis.predictions.infra.SampleEvents.Kind;
import org.hmis.predictions.infra.SampleEvents.Sample;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every sample event drives the handler the template deploys for its step, configured with the environment the
 * template gives that function; only where the database and S3 are is swapped for the local test services.
 */
class SampleEventsDriveHandlersTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();
    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEPLOYMENT = Deployments.defaults(TEMPLATE);
    private static final String TEMPLATE_BUCKET = DEPLOYMENT.string(TEMPLATE.properties("DataBucket").get("BucketName"));

    /**
     * The steps whose samples run here. A step joins by being named once its handler exists and {@link #seed}
     * puts in place what its samples read (predict: a model under models/ and the wrangled parts the samples name;
     * update: the predictions parts).
     */
    private static final List<PipelineStep> DRIVEN = List.of(PipelineStep.REMOVE_EXITED);
    /** One handler per function, reused across its invocations, as in a warm Lambda container. */
    private static final Map<String, RequestStreamHandler> HANDLERS = new HashMap<>();

    @BeforeAll
    static void seed() throws SQLException {
        SqlIdentifier guests = SqlIdentifier.of(DEPLOYMENT.string(Map.of("Ref", "GuestsTable")));
        try (Connection c = PG.connect(); Statement st = c.createStatement()) {
            ReferenceSchema.createGuestsTable(c, guests);
            st.execute("INSERT INTO " + guests.quoted() + " (personal_id, enroll_date, exit_date, exit_destination) VALUES"
                    + " (1, '2026-01-05', NULL, NULL), (2, '2025-03-01', '2025-06-30', 'Client refused')");
        }
    }

    @TestFactory
    Stream<DynamicTest> everySampleRunsThroughItsHandler() {
        return DRIVEN.stream().flatMap(step -> Stream.concat(
                SampleEvents.of(step).stream().map(SampleEventsDriveHandlersTest::invocation),
                Stream.of(DynamicTest.dynamicTest(step.module() + ": what the samples did", () -> checkEffects(step)))));
    }

    private static DynamicTest invocation(Sample sample) {
        return DynamicTest.dynamicTest(sample.toString(), () -> {
            TemplateFunction function = TemplateFunctionsTest.functionOf(sample.step());
            RequestStreamHandler handler = HANDLERS.computeIfAbsent(function.logicalId(), id -> handler(function));
            // The samples name the deployed bucket; locally the objects are in the test bucket.
            byte[] event = Files.readString(sample.file()).replace(TEMPLATE_BUCKET, S3.bucket()).getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), response, new InvocationContext(
                    DEPLOYMENT.string(function.properties().get("FunctionName")),
                    Integer.parseInt(DEPLOYMENT.string(function.properties().get("MemorySize"))),
                    Integer.parseInt(DEPLOYMENT.string(function.properties().get("Timeout")))));
            JsonNode answer = TriggerJson.MAPPER.readTree(response.toByteArray());
            if (sample.kind() == Kind.HTTP_API) {
                assertEquals(202, answer.path("statusCode").asInt(), sample + " answered " + answer);
                answer = TriggerJson.MAPPER.readTree(answer.path("body").asText());
            }
            assertTrue(answer.hasNonNull("runId"), sample + " answered without its run id: " + answer);
        });
    }

    /** What a step's samples must have left behind, beyond answering. */
    private static void checkEffects(PipelineStep step) throws SQLException {
        switch (step) {
            case REMOVE_EXITED -> {
                SqlIdentifier guests = SqlIdentifier.of(DEPLOYMENT.string(Map.of("Ref", "GuestsTable")));
                try (Connection c = PG.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT personal_id, predicted_exit_destination FROM " + guests.quoted() + " ORDER BY personal_id")) {
                    Map<Integer, String> predictions = new LinkedHashMap<>();
                    while (rs.next()) {
                        predictions.put(rs.getInt(1), rs.getString(2));
                    }
                    Map<Integer, String> expected = new LinkedHashMap<>();
                    expected.put(1, null);
                    expected.put(2, "exited");
                    assertEquals(expected, predictions, "the guest who left is marked, the current one is left alone");
                }
            }
            default -> throw new AssertionError("say what the samples of " + step.module() + " must leave behind");
        }
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
            env.put(PipelineConfig.RDS_USER_PWD, PG.password() == null || PG.password().isEmpty() ? "unused" : PG.password());
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

    /** The handler class the template names, built as Lambda would but configured from {@link #localEnvironment}. */
    private static RequestStreamHandler handler(TemplateFunction function) {
        PipelineConfig config = PipelineConfig.from(localEnvironment(function));
        try {
            Class<?> type = Class.forName(function.handler().split("::", 2)[0]);
            Constructor<?> constructor;
            try {
                constructor = type.getDeclaredConstructor(PipelineConfig.class);
            } catch (NoSuchMethodException e) {
                throw new AssertionError(type.getName() + " has no constructor taking a PipelineConfig, through which tests configure it", e);
            }
            constructor.setAccessible(true);
            return (RequestStreamHandler) constructor.newInstance(config);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build the handler " + function.handler() + ": " + e, e);
        }
    }
}
