package org.hmis.predictions.common.s3;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.StorageSettings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
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
public final class ObjectStore implements AutoCloseable {
    private final S3Client s3;

    public ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    /** An S3 client on the URL-connection HTTP client (small and quick to start). */
    public static ObjectStore create(StorageSettings settings) {
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
        return new ObjectStore(builder.build());
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

    public S3Client client() {
        return s3;
    }

    /** A new object; write to it, then {@link ObjectUpload#commit}; closing without commit writes nothing. */
    public ObjectUpload upload(String bucket, String key) {
        return new ObjectUpload(s3, bucket, key, ObjectUpload.MEMORY_LIMIT);
    }

    /** Streams an object's content; the caller closes the stream. Every failure names the operation, bucket and key. */
    public ResponseInputStream<GetObjectResponse> open(String bucket, String key) {
        try {
            return s3.getObject(
                    GetObjectRequest.builder().bucket(bucket).key(key).build());
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(bucket, key, e);
        } catch (SdkException e) {
            throw new ObjectStoreException("GetObject", bucket, key, e);
        }
    }

    public Optional<StoredObject> head(String bucket, String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(
                    new StoredObject(bucket, key, unquote(head.eTag()), head.contentLength(), head.metadata()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new ObjectStoreException("HeadObject", bucket, key, e);
        } catch (SdkException e) {
            throw new ObjectStoreException("HeadObject", bucket, key, e);
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
            throw new ObjectStoreException("GetObject", bucket, key, e);
        } catch (SdkException e) {
            throw new ObjectStoreException("GetObject", bucket, key, e);
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
        try {
            return unquote(s3.putObject(request, RequestBody.fromBytes(content)).eTag());
        } catch (SdkException e) {
            throw new ObjectStoreException("PutObject", bucket, key, e);
        }
    }

    /** Keys under a prefix, in key order. */
    public List<String> list(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            // The paginator sends its requests while the stream is read: all of it inside the try.
            s3
                    .listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(bucket)
                            .prefix(prefix)
                            .build())
                    .contents()
                    .stream()
                    .map(S3Object::key)
                    .forEach(keys::add);
        } catch (SdkException e) {
            throw new ObjectStoreException("ListObjectsV2", bucket, prefix, e);
        }
        return keys;
    }

    public void delete(String bucket, String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new ObjectStoreException("DeleteObject", bucket, key, e);
        }
    }

    public static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    @Override
    public void close() {
        s3.close();
    }
}
