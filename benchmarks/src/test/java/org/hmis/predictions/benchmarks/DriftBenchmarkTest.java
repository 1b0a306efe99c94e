package org.hmis.predictions.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Drift's targets on generated households: few false alarms at every size, a real shift found at 200. */
class DriftBenchmarkTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    @Test
    void sameDistributionNightsRarelyAlarmAndHalvedIncomesAreFound() throws Exception {
        PipelineConfig config = BenchmarkEnvironment.config(PG, S3, Map.of());
        BenchLine line;
        try (Database database = Database.connect(config.database())) {
            line = new DriftBenchmark(database, 42).run();
        }
        JsonNode json = new ObjectMapper().readTree(line.toString());
        System.out.println(json);
        assertEquals(DriftBenchmark.STEP, json.get("step").asText());
        for (int size : DriftBenchmark.SIZES) {
            double rate = json.get("false_alarms_" + size).asDouble();
            assertTrue(rate <= 0.05, size + " households: false alarms " + rate);
        }
        double found =
                json.get("incomes_halved_found_" + DriftBenchmark.SHIFTED_SIZE).asDouble();
        assertTrue(found >= 0.9, "incomes halved found " + found);
    }
}
