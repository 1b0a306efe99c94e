package org.hmis.predictions.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestsTable;
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
        PipelineConfig config = BenchmarkEnvironment.config(PG, S3, Map.of(PipelineConfig.PART_ROWS, "100"));
        BenchLine line;
        try (Database database = Database.connect(config.database());
                ObjectStore store = ObjectStore.create(config.storage())) {
            try (Connection c = database.connection()) {
                GuestsTable.create(c, config.guestsTable());
                assertEquals(300, WrangleBenchmark.loadCurrentGuests(c, config.guestsTable(), 300, 5));
            }
            PipelineSchema.migrate(database.dataSource(), config.guestsTable());
            // The wrangle reads the deployed model's manifest, as the suite's uploaded model gives it.
            store.putBytes(
                    S3.bucket(),
                    RunKeys.manifestKey(config.modelName()),
                    new ModelManifest(
                                    config.modelName(),
                                    FeatureSpec.V1.version(),
                                    FeatureSpec.V1.featureNames(),
                                    ExitDestinationClasses.LABELS,
                                    Instant.parse("2026-11-01T00:00:00Z"),
                                    1000,
                                    200,
                                    JsonNodeFactory.instance.objectNode(),
                                    Map.of())
                            .toJson()
                            .getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    Map.of());
            line = new WrangleBenchmark(config, database, store).run();
        }

        String text = line.toString();
        assertTrue(text.indexOf('\n') < 0, text);
        JsonNode json = new ObjectMapper().readTree(text);
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
                        "max_heap_mb",
                        "parts"),
                fields);
        assertEquals("wrangle", json.get("step").asText());
        assertEquals("copy-out", json.get("reference").asText());
        assertEquals(300, json.get("rows").asLong(), "every loaded guest is current and wrangled");
        assertEquals(3, json.get("parts").asInt(), "300 guests in parts of 100");
        assertTrue(json.get("peak_heap_mb").asDouble() > 0, text);
        assertTrue(
                json.get("peak_heap_mb").asDouble() <= json.get("max_heap_mb").asDouble(), text);
        // Four runs wrote their parts (the untimed warm-up and one per timed round): three parts of 100 rows each,
        // and a manifest each.
        assertEquals(
                16,
                S3.s3Client()
                        .listObjectsV2(list -> list.bucket(S3.bucket()).prefix("wrangled/"))
                        .keyCount());
    }
}
