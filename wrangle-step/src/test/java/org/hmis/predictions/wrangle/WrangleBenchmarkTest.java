package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.ReferenceSchema;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.common.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The benchmark's bookkeeping on a few guests: what it reports, not how fast anything is. */
class WrangleBenchmarkTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    @Test
    void reportsOneJsonLineAboutEveryLoadedGuest() throws Exception {
        SqlIdentifier guests = SqlIdentifier.of("guests");
        try (Connection c = PG.connect()) {
            ReferenceSchema.createGuestsTable(c, guests);
            assertEquals(300, WrangleBenchmark.loadCurrentGuests(c, guests, 300, 5));
        }
        WrangleBenchmark.Result result;
        try (Database database = Database.connect(PG.jdbcUrl(), PG.user(), PG.password(), null, 2);
                ObjectStore store = ObjectStore.create(new StorageSettings(
                        S3.bucket(),
                        S3.bucket(),
                        S3.region(),
                        Optional.of(S3.endpoint()),
                        Optional.of(new StorageSettings.AccessKeys(S3.accessKey(), S3.secretKey(), null))))) {
            result = new WrangleBenchmark(database.dataSource(), guests, store, S3.bucket(), 100).run();
        }

        assertEquals(300, result.rows(), "every loaded guest is current and wrangled");
        assertEquals(result.rowsPerSecond() / result.referenceRowsPerSecond(), result.ratio(), 1e-9);
        assertEquals(result.rows() / result.seconds(), result.rowsPerSecond(), 1e-6 * result.rowsPerSecond());
        assertTrue(result.peakHeapMb() > 0 && result.peakHeapMb() <= result.maxHeapMb(), result.json());
        String line = result.json();
        assertTrue(line.indexOf('\n') < 0, line);
        JsonNode json = TriggerJson.MAPPER.readTree(line);
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertEquals(
                List.of(
                        "step",
                        "rows",
                        "seconds",
                        "rows_per_s",
                        "reference",
                        "reference_rows_per_s",
                        "ratio",
                        "peak_heap_mb",
                        "peak_live_heap_mb",
                        "max_heap_mb"),
                fields);
        assertEquals("wrangle", json.get("step").asText());
        assertEquals("copy-out", json.get("reference").asText());
        assertEquals(300, json.get("rows").asLong());
        // Two runs wrote their parts (the untimed warm-up and the timed one): three parts of 100 rows each.
        assertEquals(
                6,
                S3.s3Client()
                        .listObjectsV2(list -> list.bucket(S3.bucket()).prefix("wrangled/"))
                        .keyCount());
    }
}
