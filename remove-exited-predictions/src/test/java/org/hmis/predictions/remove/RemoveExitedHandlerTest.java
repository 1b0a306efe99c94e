package org.hmis.predictions.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The handler driven by the real event shapes it receives in production. */
class RemoveExitedHandlerTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static RemoveExitedHandler handler;

    /** MIGRATE=true: the handler creates the pipeline schema itself on its first run, in this empty database. */
    @BeforeAll
    static void setUp() {
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
                "disable",
                "MIGRATE",
                "true")));
    }

    /** Two current guests and three who left, one of them already marked; no prediction column yet. */
    @BeforeEach
    void freshGuests() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS guests CASCADE");
            GuestsTable.create(c, SqlIdentifier.of("guests"));
            st.execute("INSERT INTO guests (personal_id, enroll_date, exit_date, exit_destination) VALUES"
                    + " (1, '2026-01-05', NULL, NULL), (2, '2026-02-01', NULL, NULL),"
                    + " (3, '2025-03-01', '2025-06-30', 'Client refused'), (4, '2025-04-01', '2025-05-02', 'Other'),"
                    + " (5, '2025-01-01', '2025-02-01', 'Other')");
        }
    }

    private static JsonNode invoke(String fixture) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = RemoveExitedHandlerTest.class.getResourceAsStream("/events/" + fixture)) {
            handler.handleRequest(in, out, null);
        }
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void anEventBridgeScheduleAddsTheColumnAndMarksEachExitedGuestOnce() throws Exception {
        JsonNode first = invoke("tests/eventbridge-scheduled.json");
        assertEquals(
                RunId.forSchedule(Instant.parse("2026-11-23T06:00:00Z"), "remove")
                        .value(),
                first.get("runId").asText(),
                "the run id is the schedule's");
        assertEquals("remove", first.get("step").asText());
        assertEquals(3, first.get("rowsMarked").asLong());
        assertTrue(first.get("columnCreated").asBoolean());
        // The Scheduler's input for the same night: the same run, found again, with nothing left to mark.
        JsonNode second = invoke("tests/scheduler-input.json");
        assertEquals(first.get("runId").asText(), second.get("runId").asText());
        assertEquals(0, second.get("rowsMarked").asLong());
        assertFalse(second.get("columnCreated").asBoolean());
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement("SELECT"
                        + " count(*) FILTER (WHERE predicted_exit_destination = 'exited'),"
                        + " count(*) FILTER (WHERE predicted_exit_destination IS NULL),"
                        + " (SELECT count(*) FROM prediction_runs WHERE step = 'remove' AND status = 'done'"
                        + " AND run_id IN (?, ?)) FROM guests")) {
            ps.setString(1, first.get("runId").asText());
            ps.setString(2, second.get("runId").asText());
            ResultSet rs = ps.executeQuery();
            rs.next();
            assertEquals(3, rs.getLong(1));
            assertEquals(2, rs.getLong(2));
            assertEquals(1, rs.getLong(3), "one record for the night's run");
        }
    }

    @Test
    void aDirectInvokeRunsUnderANewRunIdOrARecentUnusedOneOnly() throws Exception {
        RunRefusedException stale = assertThrows(RunRefusedException.class, () -> invoke("wrangle-step/direct.json"));
        assertTrue(
                stale.getMessage()
                        .startsWith("run id 20261123T101500Z-3f9a names 2026-11-23T10:15:00Z, more than"
                                + " 15 minutes from the database's clock"),
                stale.getMessage());
        RunId recent = RunId.newRun();
        JsonNode named = invoke(("{\"runId\":\"" + recent + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(recent.value(), named.get("runId").asText());
        assertEquals(3, named.get("rowsMarked").asLong());
        RunRefusedException again = assertThrows(
                RunRefusedException.class,
                () -> invoke(("{\"runId\":\"" + recent + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(RunRefusedException.Reason.ALREADY_USED, again.reason());
        JsonNode unnamed = invoke("tests/direct-empty.json");
        assertNotEquals(recent.value(), unnamed.get("runId").asText());
        assertEquals(0, unnamed.get("rowsMarked").asLong());
    }

    private static JsonNode invoke(byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new java.io.ByteArrayInputStream(event), out, null);
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void anS3EventIsNotThisFunctionsTrigger() {
        InvalidTriggerException e =
                assertThrows(InvalidTriggerException.class, () -> invoke("tests/s3-object-created.json"));
        assertTrue(e.getMessage().contains("takes a schedule or a direct invoke"), e.getMessage());
    }
}
