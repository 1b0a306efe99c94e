package org.hmis.predictions.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The benchmark's logic on a small table; what it measures is not asserted, only that it measures the right thing. */
class UpdateBenchmarkTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    @Test
    void appliesEveryCurrentGuestsPredictionThroughTheStepAndReportsTheFigures() throws Exception {
        PipelineConfig config = BenchmarkEnvironment.config(PG, S3, Map.of());
        JsonNode json;
        try (Database database = Database.connect(config.database());
                ObjectStore store = ObjectStore.create(config.storage())) {
            try (Connection c = database.connection();
                    Statement st = c.createStatement()) {
                GuestsTable.create(c, config.guestsTable());
                st.execute("ALTER TABLE guests ADD COLUMN predicted_exit_destination VARCHAR");
                // 2,000 guests, one in ten exited: 1,800 current.
                st.execute("INSERT INTO guests (personal_id, enroll_date, exit_date) SELECT i, DATE '2025-01-01'"
                        + " + i % 400, CASE WHEN i % 10 = 0 THEN DATE '2026-06-01' END"
                        + " FROM generate_series(1000, 2999) i");
            }
            PipelineSchema.migrate(database.dataSource(), config.guestsTable());
            json = new ObjectMapper()
                    .readTree(new UpdateBenchmark(config, database, store, 2, 100)
                            .run()
                            .toString());
        }
        assertEquals("update", json.get("step").asText());
        assertEquals(1800, json.get("rows").asLong(), "one prediction per current guest");
        assertEquals("copy+update-from", json.get("reference").asText());
        assertEquals(100, json.get("rowwise_rows").asLong());
        for (String field : new String[] {
            "seconds",
            "rows_per_s",
            "reference_rows_per_s",
            "ratio",
            "rowwise_rows_per_s",
            "peak_heap_mb",
            "wal_mb",
            "reference_wal_mb",
            "same_writes_wal_mb"
        }) {
            assertTrue(json.get(field).asDouble() > 0, field + " in " + json);
        }
        assertTrue(
                json.get("wal_mb").asDouble() > json.get("reference_wal_mb").asDouble(),
                "the step writes the guest predictions table besides the guests table: " + json);

        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE status = 'applied' AND rows = 1800),"
                    + " count(*) FROM prediction_runs WHERE step = 'update'")) {
                rs.next();
                assertEquals(3, rs.getLong(1), "the warm-up and each round applied every row through the step");
                assertEquals(3, rs.getLong(2));
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM guests WHERE exit_date IS NULL"
                    + " AND predicted_exit_destination IN ('es', 'other', 'perm', 'temp', 'unknown')")) {
                rs.next();
                assertEquals(1800, rs.getLong(1), "every current guest holds a class the step wrote");
            }
        }
    }
}
