package org.hmis.predictions.localservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

class TestS3Test {
    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    @Test
    void givesEachTestClassAnEmptyBucketThatAClientBuiltFromTheSettingsCanUse() {
        assertTrue(S3.bucket().matches("t-[0-9a-f]{16}"), S3.bucket());
        S3Service settings = new S3Service(S3.endpoint(), S3.region(), S3.accessKey(), S3.secretKey());
        try (S3Client client = settings.newClient()) {
            assertTrue(client.listObjectsV2(list -> list.bucket(S3.bucket()))
                    .contents()
                    .isEmpty());

            client.putObject(
                    put -> put.bucket(S3.bucket()).key("wrangled/run-1/part-00000.csv"),
                    RequestBody.fromString("a,b\n"));

            List<String> keys = S3.s3Client().listObjectsV2(list -> list.bucket(S3.bucket())).contents().stream()
                    .map(S3Object::key)
                    .toList();
            assertEquals(List.of("wrangled/run-1/part-00000.csv"), keys);
        }
    }

    @Test
    void emptiesAndDeletesTheBucketOfATestClassAfterIt() {
        TestExecutionSummary summary = run(SampleTestClass.class);

        assertEquals(
                1, summary.getTestsSucceededCount(), () -> summary.getFailures().toString());
        assertFalse(
                S3.s3Client().listBuckets().buckets().stream()
                        .anyMatch(bucket -> bucket.name().equals(SampleTestClass.bucket)),
                SampleTestClass.bucket + " should be deleted");
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(testClass))
                                .build(),
                        listener);
        return listener.getSummary();
    }

    /** Run only through {@link #run}; it leaves objects and an unfinished multipart upload in its bucket. */
    static class SampleTestClass {
        @RegisterExtension
        static final TestS3 SAMPLE_S3 = new TestS3();

        static volatile String bucket;

        @Test
        void fillsItsBucket() {
            bucket = SAMPLE_S3.bucket();
            for (int i = 0; i < 3; i++) {
                String key = "predictions/run-1/part-0000" + i + ".csv";
                SAMPLE_S3.s3Client().putObject(put -> put.bucket(bucket).key(key), RequestBody.fromString("x\n"));
            }
            SAMPLE_S3
                    .s3Client()
                    .createMultipartUpload(create -> create.bucket(bucket).key("unfinished.bin"));
        }
    }
}
