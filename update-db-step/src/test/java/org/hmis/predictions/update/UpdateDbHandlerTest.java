package org.hmis.predictions.update;

import static org.hmis.predictions.update.GuestsFixture.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The handler driven by the event shapes it receives in production, configured as a deployment is. */
class UpdateDbHandlerTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final String FIXTURE_BUCKET = "shelter-predictions";
    private static final String RUN_PREFIX = "predictions/20261123T101500Z-3f9a/";

    private static UpdateDbHandler handler;
    private static ObjectStore store;

    @BeforeAll
    static void setUp() throws SQLException {
        PipelineSchema.migrate(PG.dataSource(), GuestsFixture.TABLE);
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            GuestsFixture.reset(c);
            st.execute("INSERT INTO guests (personal_id, enroll_date) VALUES (8, '2026-05-01')");
        }
        store = GuestsFixture.objectStore(S3);
        GuestsFixture.put(
                store, S3.bucket(), RUN_PREFIX + "part-00000.csv", UpdateDbStepTest.MIXED, "exit-destination-2026-11");
        GuestsFixture.put(
                store,
                S3.bucket(),
                RUN_PREFIX + "part-00001.csv",
                part("6,2026-01-10,perm"),
                "exit-destination-2026-11");
        GuestsFixture.put(
                store, S3.bucket(), RUN_PREFIX + "part-00002.csv", part("4,2026-03-01,es"), "exit-destination-2026-11");
        GuestsFixture.put(
                store,
                S3.bucket(),
                RUN_PREFIX + "part-00003.csv",
                part("8,2026-05-01,temp"),
                "exit-destination-2026-11");
        GuestsFixture.put(store, S3.bucket(), RUN_PREFIX + "rejected rows.csv", "personal_id,reason\n", null);

        URI db = URI.create(PG.jdbcUrl().substring("jdbc:".length()));
        Map<String, String> env = new HashMap<>();
        env.put(PipelineConfig.RDS_HOST, db.getHost());
        env.put(PipelineConfig.RDS_PORT, String.valueOf(db.getPort()));
        env.put(PipelineConfig.RDS_DB_NAME, db.getPath().substring(1));
        env.put(PipelineConfig.RDS_USERNAME, PG.user());
        env.put(PipelineConfig.RDS_USER_PWD, PG.password());
        env.put(PipelineConfig.DB_SSL_MODE, "disable");
        env.put(PipelineConfig.S3_BUCKET, S3.bucket());
        env.put(PipelineConfig.S3_ENDPOINT, S3.endpoint().toString());
        env.put(PipelineConfig.AWS_REGION, S3.region());
        env.put(PipelineConfig.AWS_ACCESS_KEY_ID, S3.accessKey());
        env.put(PipelineConfig.AWS_SECRET_ACCESS_KEY, S3.secretKey());
        handler = new UpdateDbHandler(PipelineConfig.from(env));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    /** Runs the handler on a fixture, its bucket name replaced by the test server's. */
    private static JsonNode invoke(String fixture) throws IOException {
        String event;
        try (InputStream in = UpdateDbHandlerTest.class.getResourceAsStream("/events/" + fixture)) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(FIXTURE_BUCKET, S3.bucket());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }

    private static Map<String, String> predictions() throws SQLException {
        try (Connection c = PG.connect()) {
            return GuestsFixture.predictions(c);
        }
    }

    @Test
    void anS3EventAppliesEveryPartItNamesAndADuplicateEventChangesNothing() throws Exception {
        JsonNode response = invoke("tests/s3-predictions-created.json");
        assertEquals("update", response.get("step").asText());
        assertEquals(2, response.get("parts").size());
        JsonNode first = response.get("parts").get(0);
        assertEquals(RUN_PREFIX + "part-00000.csv", first.get("part").asText());
        assertEquals("applied", first.get("status").asText());
        assertEquals(7, first.get("rows").asLong());
        assertEquals(2, first.get("applied").asLong());
        assertEquals(2, first.get("skipped").get("exited").asLong());
        assertEquals(2, first.get("skipped").get("unmatched").asLong());
        assertEquals(1, first.get("skipped").get("unchanged").asLong());
        assertEquals("exit-destination-2026-11", first.get("model").asText());
        JsonNode second = response.get("parts").get(1);
        assertEquals(RUN_PREFIX + "part-00001.csv", second.get("part").asText(), "the URL-encoded key was decoded");
        assertEquals(1, second.get("applied").asLong());
        assertEquals("perm", predictions().get("6/2026-01-10"));

        JsonNode again = invoke("tests/s3-predictions-created.json");
        for (JsonNode part : again.get("parts")) {
            assertEquals("already-applied", part.get("status").asText());
            assertEquals(0, part.get("applied").asLong());
        }
    }

    @Test
    void aDirectInvokeNamingBucketAndKeyAppliesThatPart() throws Exception {
        JsonNode response = invoke("tests/direct-object.json");
        JsonNode part = response.get("parts").get(0);
        assertEquals(RUN_PREFIX + "part-00002.csv", part.get("part").asText());
        assertEquals("applied", part.get("status").asText());
        assertEquals(1, part.get("applied").asLong());
        assertEquals("es", predictions().get("4/2026-03-01"));
    }

    @Test
    void aRecordThatIsNotAPartFailsTheInvocationAfterTheOtherPartsApplied() throws Exception {
        UpdateFailedException e =
                assertThrows(UpdateFailedException.class, () -> invoke("tests/s3-one-good-one-foreign.json"));
        assertTrue(e.getMessage().startsWith("1 of 2 predictions parts were not applied"), e.getMessage());
        assertTrue(
                e.getMessage().contains("'" + RUN_PREFIX + "rejected rows.csv' is not a predictions part key"),
                e.getMessage());
        assertEquals("temp", predictions().get("8/2026-05-01"), "the good part of the event was applied");
    }

    @Test
    void aScheduleIsNotThisFunctionsTrigger() {
        InvalidTriggerException e =
                assertThrows(InvalidTriggerException.class, () -> invoke("tests/eventbridge-scheduled.json"));
        assertTrue(e.getMessage().contains("takes an S3 ObjectCreated event or a direct invoke"), e.getMessage());
    }
}
