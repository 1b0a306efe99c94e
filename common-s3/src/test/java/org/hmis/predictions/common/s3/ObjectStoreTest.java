package org.hmis.predictions.common.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** The object store against a real S3 API over a real connection. */
class ObjectStoreTest {
    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static ObjectStore store;

    @BeforeAll
    static void connect() {
        store = ObjectStore.create(PipelineConfig.from(Map.of(
                        "S3_BUCKET",
                        S3.bucket(),
                        "S3_ENDPOINT",
                        S3.endpoint().toString(),
                        "AWS_REGION",
                        S3.region(),
                        "AWS_ACCESS_KEY_ID",
                        S3.accessKey(),
                        "AWS_SECRET_ACCESS_KEY",
                        S3.secretKey()))
                .storage());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void a50MegabyteObjectStreamsUpAndDownWithItsMetadata() throws Exception {
        long size = 50L * 1024 * 1024;
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        SplittableRandom random = new SplittableRandom(5);
        String etag;
        try (ObjectUpload upload = store.upload(S3.bucket(), "wrangled/20261123T101500Z-3f9a/part-00000.csv")) {
            for (long sent = 0; sent < size; sent += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) random.nextInt(256);
                }
                written.update(chunk);
                upload.write(chunk);
            }
            assertEquals(size, upload.size());
            etag = upload.commit(Map.of("rows", "123", "feature-spec-version", "v1"));
        }

        StoredObject head = store.head(S3.bucket(), "wrangled/20261123T101500Z-3f9a/part-00000.csv")
                .orElseThrow();
        assertEquals(size, head.size());
        assertEquals(etag, head.etag());
        assertEquals("123", head.metadata().get("rows"));
        assertEquals("v1", head.metadata().get("feature-spec-version"));

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long received = 0;
        try (InputStream in = store.open(S3.bucket(), "wrangled/20261123T101500Z-3f9a/part-00000.csv")) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; received += n) {
                read.update(buffer, 0, n);
            }
        }
        assertEquals(size, received);
        assertArrayEquals(written.digest(), read.digest());
    }

    @Test
    void anUploadClosedWithoutCommitWritesNothing() throws IOException {
        try (ObjectUpload upload = store.upload(S3.bucket(), "predictions/20261123T101500Z-3f9a/part-00001.csv")) {
            upload.write("personal_id,enroll_date\n".getBytes(StandardCharsets.UTF_8));
            upload.write(new byte[ObjectUpload.MEMORY_LIMIT]);
        }
        assertEquals(Optional.empty(), store.head(S3.bucket(), "predictions/20261123T101500Z-3f9a/part-00001.csv"));
    }

    @Test
    void smallObjectsListAndReadBackAndAMissingOneIsNamed() {
        store.putBytes(
                S3.bucket(),
                "models/m1/model.json",
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                Map.of());
        assertEquals("{\"a\":1}", store.readString(S3.bucket(), "models/m1/model.json"));
        assertTrue(store.list(S3.bucket(), "models/").contains("models/m1/model.json"));
        ObjectNotFoundException e =
                assertThrows(ObjectNotFoundException.class, () -> store.open(S3.bucket(), "models/none/model.txt"));
        assertEquals("s3://" + S3.bucket() + "/models/none/model.txt does not exist", e.getMessage());
        assertFalse(store.head(S3.bucket(), "models/none/model.txt").isPresent());
    }

    /**
     * An S3 that does not answer (a closed local port): every failure names the operation, the bucket and the key,
     * where the SDK's message alone ("Unable to execute HTTP request: Connection refused") names none of them.
     */
    @Test
    void everyFailureNamesTheOperationTheBucketAndTheKey() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String part = "wrangled/20261123T101500Z-3f9a/part-00000.csv";
        try (ObjectStore down = ObjectStore.create(PipelineConfig.from(Map.of(
                        "S3_BUCKET",
                        S3.bucket(),
                        "S3_ENDPOINT",
                        "http://127.0.0.1:" + closedPort,
                        "AWS_REGION",
                        S3.region(),
                        "AWS_ACCESS_KEY_ID",
                        S3.accessKey(),
                        "AWS_SECRET_ACCESS_KEY",
                        S3.secretKey()))
                .storage())) {
            String where = " s3://" + S3.bucket() + "/";
            Map<String, Executable> requests = new LinkedHashMap<>();
            requests.put("PutObject" + where + part, () -> {
                try (ObjectUpload upload = down.upload(S3.bucket(), part)) {
                    upload.write(new byte[] {1});
                    upload.commit(Map.of("rows", "1"));
                }
            });
            requests.put(
                    "PutObject" + where + "models/m1/model.json",
                    () -> down.putBytes(S3.bucket(), "models/m1/model.json", new byte[] {1}, "text/plain", Map.of()));
            requests.put(
                    "GetObject" + where + "models/m1/model.txt",
                    () -> down.open(S3.bucket(), "models/m1/model.txt").close());
            requests.put(
                    "GetObject" + where + "models/m1/model.json",
                    () -> down.readString(S3.bucket(), "models/m1/model.json"));
            requests.put(
                    "HeadObject" + where + "models/m1/model.txt", () -> down.head(S3.bucket(), "models/m1/model.txt"));
            requests.put("ListObjectsV2" + where + "wrangled/", () -> down.list(S3.bucket(), "wrangled/"));
            requests.put("DeleteObject" + where + part, () -> down.delete(S3.bucket(), part));
            for (Map.Entry<String, Executable> request : requests.entrySet()) {
                ObjectStoreException e = assertThrows(ObjectStoreException.class, request.getValue(), request.getKey());
                assertTrue(
                        e.getMessage().startsWith("S3 " + request.getKey() + " failed: "),
                        request.getKey() + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
            }
        }
    }
}
