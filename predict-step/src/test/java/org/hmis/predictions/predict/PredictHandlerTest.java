package org.hmis.predictions.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.training.ModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The handler driven by the event shapes it receives in production, configured from the environment's names. */
class PredictHandlerTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final String RUN = "20261123T101500Z-3f9a";
    private static ObjectStore store;
    private static PredictHandler handler;

    @BeforeAll
    static void setUp() throws Exception {
        store = TrainedModel.objectStore(S3);
        ModelFiles.upload(TrainedModel.train(PG, "guests", 5_000, 3, 15, "handler-model"), store, S3.bucket());
        for (int part = 0; part < 3; part++) {
            TrainedModel.putWrangled(
                    store,
                    S3.bucket(),
                    "wrangled/" + RUN + "/part-0000" + part + ".csv",
                    TrainedModel.wrangledPart(500 + part, 40 + part),
                    "v1");
        }
        handler = new PredictHandler(PipelineConfig.from(Map.of(
                "S3_BUCKET",
                S3.bucket(),
                "S3_ENDPOINT",
                S3.endpoint().toString(),
                "AWS_REGION",
                S3.region(),
                "AWS_ACCESS_KEY_ID",
                S3.accessKey(),
                "AWS_SECRET_ACCESS_KEY",
                S3.secretKey(),
                "MODEL_NAME",
                "handler-model")));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static JsonNode invoke(String fixture) throws IOException {
        String event;
        try (InputStream in = PredictHandlerTest.class.getResourceAsStream("/events/" + fixture)) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${bucket}", S3.bucket());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void anS3EventWithSeveralRecordsAndEncodedKeysPredictsEachPartAndSkipsTheRest() throws Exception {
        JsonNode summary = invoke("tests/s3-wrangled-created.json");
        assertEquals("predict", summary.get("step").asText());
        assertEquals(2, summary.get("parts").size(), summary.toString());
        assertEquals(
                "s3://" + S3.bucket() + "/predictions/" + RUN + "/part-00001.csv",
                summary.get("parts").get(1).get("predictions").asText(),
                "the encoded key was decoded");
        assertEquals(500 + 501, summary.get("rows").asLong());
        assertEquals(1, summary.get("skipped").size());
        assertEquals(
                "s3://" + S3.bucket() + "/wrangled/" + RUN + "/rejected.csv",
                summary.get("skipped").get(0).get("source").asText());
        assertEquals(0, summary.get("failed").size());
        assertEquals(
                "501",
                store.head(S3.bucket(), "predictions/" + RUN + "/part-00001.csv")
                        .orElseThrow()
                        .metadata()
                        .get("rows"));
    }

    @Test
    void aDirectInvokeNamingBucketAndKeyPredictsThatPart() throws Exception {
        JsonNode summary = invoke("tests/direct-part.json");
        assertEquals(1, summary.get("parts").size());
        assertEquals(502, summary.get("rows").asLong());
        assertEquals("handler-model", summary.get("parts").get(0).get("model").asText());
        assertEquals(1, summary.get("modelLoads").asInt(), "loaded once per container");
        assertTrue(store.head(S3.bucket(), "predictions/" + RUN + "/part-00002.csv")
                .isPresent());
    }

    @Test
    void aScheduleIsNotThisFunctionsTrigger() {
        InvalidTriggerException e =
                assertThrows(InvalidTriggerException.class, () -> invoke("tests/eventbridge-scheduled.json"));
        assertTrue(e.getMessage().contains("predict-step takes an S3 ObjectCreated event"), e.getMessage());
    }
}
