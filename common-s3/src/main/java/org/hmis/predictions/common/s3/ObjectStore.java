package org.hmis.predictions.common.s3;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.crac.Context;
import org.crac.Resource;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.snapstart.Priming;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The pipeline's objects in S3 or an S3-compatible server. Built once per container around one
 * {@link S3Client}; reads and writes stream, so no object is ever held whole in memory.
 */
public final class ObjectStore implements AutoCloseable, Resource {
    private final CompletableFuture<S3Client> s3;

    public ObjectStore(S3Client s3) {
        this.s3 = CompletableFuture.completedFuture(s3);
    }

    private ObjectStore(CompletableFuture<S3Client> s3) {
        this.s3 = s3;
    }

    /**
     * An S3 client on the URL-connection HTTP client (small and quick to start), built on a thread of its own: the
     * build loads about 1,500 classes (the SDK's S3 model, endpoint rules and interceptors, the JDK's TLS), which then
     * overlaps with what the caller does next (the handler's other set-up, reading the first event, the database's
     * first connection); the first request waits for it, and so does a SnapStart snapshot. A build that fails throws
     * at that request.
     */
    public static ObjectStore create(StorageSettings settings) {
        CompletableFuture<S3Client> client = new CompletableFuture<>();
        Thread build = new Thread(
                () -> {
                    try {
                        client.complete(build(settings));
                    } catch (RuntimeException | Error e) {
                        client.completeExceptionally(e);
                    }
                },
                "s3-client-build");
        build.setDaemon(true);
        build.start();
        return Priming.register(new ObjectStore(client));
    }

    private static S3Client build(StorageSettings settings) {
        AwsCredentialsProvider credentials = settings.accessKeys()
                .<AwsCredentialsProvider>map(k -> StaticCredentialsProvider.create(
                        k.sessionToken() == null
                                ? AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())
                                : AwsSessionCredentials.create(k.accessKeyId(), k.secretAccessKey(), k.sessionToken())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials);
        settings.endpoint()
                .ifPresent(endpoint -> builder.endpointOverride(endpoint)
                        .forcePathStyle(true)
                        // S3-compatible servers do not all speak the newer default checksums; only send them when
                        // required.
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
        return builder.build();
    }

    /**
     * Builds the requests the steps send (reading, heading, listing, writing) without sending any: the SDK's model
     * classes loaded before a SnapStart snapshot, and no credentials resolved.
     */
    public static void loadRequestClasses() {
        GetObjectRequest.builder().bucket("priming").key("priming").build();
        PutObjectRequest.builder()
                .bucket("priming")
                .key("priming")
                .metadata(Map.of("rows", "0"))
                .build();
        ListObjectsV2Request.builder().bucket("priming").prefix("priming/").build();
        software.amazon.awssdk.services.s3.model.HeadObjectRequest.builder()
                .bucket("priming")
                .key("priming")
                .build();
        RequestBody.fromBytes(new byte[0]);
    }

    /** The client, once built (waits for the build {@link #create} started). */
    public S3Client client() {
        try {
            return s3.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** A new object; write to it, then {@link ObjectUpload#commit}; closing without commit writes nothing. */
    public ObjectUpload upload(String bucket, String key) {
        return new ObjectUpload(client(), bucket, key, ObjectUpload.MEMORY_LIMIT);
    }

    /** Streams an object's content; the caller closes the stream. */
    public ResponseInputStream<GetObjectResponse> open(String bucket, String key) {
        try {
            return client().getObject(
                            GetObjectRequest.builder().bucket(bucket).key(key).build());
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(bucket, key, e);
        }
    }

    public Optional<StoredObject> head(String bucket, String key) {
        try {
            HeadObjectResponse head = client().headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(
                    new StoredObject(bucket, key, unquote(head.eTag()), head.contentLength(), head.metadata()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A small object (a manifest) read whole. */
    public String readString(String bucket, String key) {
        return new String(readBytes(bucket, key), StandardCharsets.UTF_8);
    }

    /** A small object (a CA bundle, a manifest) read whole. */
    public byte[] readBytes(String bucket, String key) {
        try (InputStream in = open(bucket, key)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not read s3://" + bucket + "/" + key, e);
        }
    }

    /** A small object written whole; returns the ETag. */
    public String putBytes(
            String bucket, String key, byte[] content, String contentType, Map<String, String> metadata) {
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType(contentType)
                .metadata(metadata)
                .build();
        return unquote(
                client().putObject(request, RequestBody.fromBytes(content)).eTag());
    }

    /** Keys under a prefix, in key order. */
    public List<String> list(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        client()
                .listObjectsV2Paginator(ListObjectsV2Request.builder()
                        .bucket(bucket)
                        .prefix(prefix)
                        .build())
                .contents()
                .stream()
                .map(S3Object::key)
                .forEach(keys::add);
        return keys;
    }

    public void delete(String bucket, String key) {
        client().deleteObject(b -> b.bucket(bucket).key(key));
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    /** A SnapStart snapshot holds the built client, never a build half-way. */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        client();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {}

    @Override
    public void close() {
        if (!s3.isCompletedExceptionally()) {
            client().close();
        }
    }
}
