package org.hmis.predictions.localservices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

class LocalS3Test {
    private static final long FIFTY_MEGABYTES = 50L * 1024 * 1024;
    private static final long PART_SIZE = 8L * 1024 * 1024;

    private static LocalS3 s3;
    private static S3Client client;

    @BeforeAll
    static void start() {
        s3 = LocalS3.inMemory();
        client = S3Service.of(s3).newClient();
        s3.createBucket("bucket");
    }

    @AfterAll
    static void stop() {
        client.close();
        s3.close();
    }

    @Test
    void streamedUploadOf50MegabytesComesBackByteForByte() throws IOException {
        client.putObject(
                put -> put.bucket("bucket").key("streamed/big.bin"),
                RequestBody.fromContentProvider(
                        () -> new GeneratedBytes(1, FIFTY_MEGABYTES), FIFTY_MEGABYTES, "application/octet-stream"));

        try (ResponseInputStream<GetObjectResponse> download =
                client.getObject(get -> get.bucket("bucket").key("streamed/big.bin"))) {
            assertEquals(FIFTY_MEGABYTES, download.response().contentLength());
            assertArrayEquals(
                    GeneratedBytes.digestOf(new GeneratedBytes(1, FIFTY_MEGABYTES)), GeneratedBytes.digestOf(download));
        }
    }

    @Test
    void multipartUploadOf50MegabytesComesBackByteForByte() throws IOException {
        String uploadId = client.createMultipartUpload(
                        create -> create.bucket("bucket").key("multipart/big.bin"))
                .uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        List<InputStream> expected = new ArrayList<>();
        for (int number = 1; (number - 1) * PART_SIZE < FIFTY_MEGABYTES; number++) {
            long size = Math.min(PART_SIZE, FIFTY_MEGABYTES - (number - 1) * PART_SIZE);
            long seed = 100L + number;
            int partNumber = number;
            String etag = client.uploadPart(
                            part -> part.bucket("bucket")
                                    .key("multipart/big.bin")
                                    .uploadId(uploadId)
                                    .partNumber(partNumber),
                            RequestBody.fromContentProvider(
                                    () -> new GeneratedBytes(seed, size), size, "application/octet-stream"))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            expected.add(new GeneratedBytes(seed, size));
        }
        client.completeMultipartUpload(complete -> complete.bucket("bucket")
                .key("multipart/big.bin")
                .uploadId(uploadId)
                .multipartUpload(upload -> upload.parts(parts)));

        try (ResponseInputStream<GetObjectResponse> download =
                client.getObject(get -> get.bucket("bucket").key("multipart/big.bin"))) {
            assertEquals(FIFTY_MEGABYTES, download.response().contentLength());
            assertArrayEquals(
                    GeneratedBytes.digestOf(new SequenceInputStream(Collections.enumeration(expected))),
                    GeneratedBytes.digestOf(download));
        }
    }

    @Test
    void contentTypeAndUserMetadataSurviveTheRoundTrip() {
        assertMetadataRoundTrip(client);
    }

    @Test
    void aWrongSecretKeyIsRefused() {
        S3Service wrongSecret = new S3Service(s3.endpoint(), s3.region(), s3.accessKey(), "not-the-secret");
        try (S3Client intruder = wrongSecret.newClient()) {
            S3Exception refused =
                    assertThrows(S3Exception.class, () -> intruder.listObjectsV2(list -> list.bucket("bucket")));
            assertEquals(403, refused.statusCode());
        }
    }

    @Test
    void createBucketRefusesANameS3WouldRefuse() {
        for (String name : new String[] {"Guests", "a_b", "ab", "-ab", "a..b"}) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> s3.createBucket(name));
            assertTrue(refused.getMessage().contains("'" + name + "'"), refused.getMessage());
        }
    }

    @Test
    void aStoreOnDiskKeepsObjectsAsFilesUnderBucketDirectories(@TempDir Path directory) throws IOException {
        try (LocalS3 onDisk = LocalS3.inDirectory(directory.resolve("s3"));
                S3Client diskClient = S3Service.of(onDisk).newClient()) {
            onDisk.createBucket("demo");
            diskClient.putObject(
                    put -> put.bucket("demo").key("wrangled/run-1/part-00000.csv"),
                    RequestBody.fromString("personal_id,enroll_date\n1,2026-01-02\n"));

            Path file = onDisk.directory().orElseThrow().resolve("demo/wrangled/run-1/part-00000.csv");
            assertTrue(Files.isRegularFile(file), () -> file + " should hold the object");
            assertEquals("personal_id,enroll_date\n1,2026-01-02\n", Files.readString(file));
            assertMetadataRoundTrip(diskClient, "demo");
        }
    }

    private static void assertMetadataRoundTrip(S3Client s3Client) {
        assertMetadataRoundTrip(s3Client, "bucket");
    }

    private static void assertMetadataRoundTrip(S3Client s3Client, String bucket) {
        s3Client.putObject(
                put -> put.bucket(bucket)
                        .key("predictions/run-1/part-00000.csv")
                        .contentType("text/csv")
                        .metadata(Map.of("model", "exit-destination-v1", "run-id", "20261123T101500Z-3f9a")),
                RequestBody.fromString("personal_id\n"));

        HeadObjectResponse head =
                s3Client.headObject(request -> request.bucket(bucket).key("predictions/run-1/part-00000.csv"));
        assertEquals("text/csv", head.contentType());
        assertEquals(Map.of("model", "exit-destination-v1", "run-id", "20261123T101500Z-3f9a"), head.metadata());
    }
}
