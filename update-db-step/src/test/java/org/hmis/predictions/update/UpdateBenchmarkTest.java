package org.hmis.predictions.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The benchmark's logic on a small table; what it measures is not asserted, only that it measures the right thing. */
class UpdateBenchmarkTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @Test
    void appliesEveryCurrentGuestsPredictionThroughTheStepAndReportsTheFigures() throws Exception {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            GuestsFixture.reset(c);
            st.execute("INSERT INTO guests (personal_id, enroll_date, exit_date) SELECT i, DATE '2025-01-01' + i % 400,"
                    + " CASE WHEN i % 10 = 0 THEN DATE '2026-06-01' END FROM generate_series(1000, 2999) i");
        }
        UpdateBenchmark.Result result;
        try (Database database = Database.connect(PG.jdbcUrl(), PG.user(), PG.password(), null, 2)) {
            result = new UpdateBenchmark(database.dataSource(), GuestsFixture.TABLE, 2, 100).run();
        }
        long current = 4 + 1800;
        assertEquals(current, result.rows(), "one prediction per current guest");
        assertEquals(100, result.rowwiseRows());
        assertTrue(result.rowsPerS() > 0 && result.referenceRowsPerS() > 0 && result.rowwiseRowsPerS() > 0);
        assertEquals(result.rowsPerS() / result.referenceRowsPerS(), result.ratio(), 1e-9);

        JsonNode json = TriggerJson.MAPPER.readTree(result.toJson());
        assertEquals("update", json.get("step").asText());
        assertEquals(current, json.get("rows").asLong());
        assertEquals("copy+update-from", json.get("reference").asText());
        for (String field : new String[] {
            "seconds", "rows_per_s", "reference_rows_per_s", "ratio", "rowwise_rows_per_s", "peak_heap_mb"
        }) {
            assertTrue(json.get(field).asDouble() > 0, field + " in " + json);
        }

        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE status = 'applied' AND rows = " + current
                        + ")," + " count(*) FROM prediction_runs WHERE step = 'update'")) {
            rs.next();
            assertEquals(2, rs.getLong(1), "each round applied every row through the step");
            assertEquals(2, rs.getLong(2));
        }
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM guests WHERE exit_date IS NULL AND predicted_exit_destination NOT IN ('es', 'other', 'perm', 'temp', 'unknown')")) {
            rs.next();
            assertEquals(0, rs.getLong(1));
        }
    }
}
