package org.hmis.predictions.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.ReferenceSchema;
import org.hmis.predictions.common.trigger.InvalidTriggerException;
import org.hmis.predictions.common.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The handler driven by the real event shapes it receives in production. */
class RemoveExitedHandlerTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static RemoveExitedHandler handler;

    @BeforeAll
    static void setUp() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            ReferenceSchema.createGuestsTable(c, SqlIdentifier.of("guests"));
            st.execute("INSERT INTO guests (personal_id, enroll_date, exit_date, exit_destination) VALUES"
                    + " (1, '2026-01-05', NULL, NULL), (3, '2025-03-01', '2025-06-30', 'Client refused')");
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
                PG.user(),
                "RDS_USER_PWD",
                PG.password(),
                "DB_SSL_MODE",
                "disable")));
    }

    private static JsonNode invoke(String fixture) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = RemoveExitedHandlerTest.class.getResourceAsStream("/events/" + fixture)) {
            handler.handleRequest(in, out, null);
        }
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void anEventBridgeScheduleMarksExitedGuests() throws Exception {
        JsonNode summary = invoke("eventbridge-scheduled.json");
        assertEquals("remove", summary.get("step").asText());
        assertTrue(summary.get("rowsMarked").asLong() <= 1);
        assertTrue(summary.has("columnCreated"));
        assertTrue(summary.has("durationMs"));
    }

    @Test
    void aSchedulerInputAndADirectInvokeRunTheStep() throws Exception {
        invoke("scheduler-input.json");
        assertEquals(0, invoke("direct-empty.json").get("rowsMarked").asLong(), "already marked by the run before");
        assertEquals(
                "20261123T101500Z-3f9a", invoke("direct-run.json").get("runId").asText());
    }

    @Test
    void anS3EventIsNotThisFunctionsTrigger() {
        InvalidTriggerException e = assertThrows(InvalidTriggerException.class, () -> invoke("s3-object-created.json"));
        assertTrue(e.getMessage().contains("takes a schedule or a direct invoke"), e.getMessage());
    }
}
