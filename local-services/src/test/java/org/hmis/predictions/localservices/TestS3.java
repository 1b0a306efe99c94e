package org.hmis.predictions.localservices;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * A fresh, empty S3 bucket for each test class, emptied and deleted after it:
 * <pre>{@code @RegisterExtension static final TestS3 S3 = new TestS3();}</pre>
 * The S3 API is LocalStack in a container where Docker runs, else s3proxy in this JVM (objects in memory); either
 * is started once per test JVM, on first use, and stopped when the JVM exits. Clients must use path-style
 * addressing with {@link #endpoint()}.
 */
public final class TestS3 implements BeforeAllCallback, AfterAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(TestS3.class);
    /** A community release: it runs without an auth token, which later images require. */
    static final DockerImageName LOCALSTACK_IMAGE = DockerImageName.parse("localstack/localstack:4.4.0");

    private static final StartedOnce<S3Service> SHARED_SERVICE = new StartedOnce<>(TestS3::startService);

    private S3Service service;
    private S3Client client;
    private String bucket;
    private String ownerContextId;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ownerContextId != null) {
            return; // a nested class shares its enclosing class's bucket
        }
        service = SHARED_SERVICE.get();
        client = service.newClient();
        bucket = "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        client.createBucket(create -> create.bucket(bucket));
        ownerContextId = context.getUniqueId();
        LOG.info("{} uses bucket {} at {}", context.getDisplayName(), bucket, service.endpoint());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(ownerContextId)) {
            return;
        }
        try {
            emptyAndDeleteBucket();
        } finally {
            client.close();
            ownerContextId = null;
        }
    }

    private void emptyAndDeleteBucket() {
        client.listMultipartUploadsPaginator(list -> list.bucket(bucket))
                .uploads()
                .forEach(upload -> client.abortMultipartUpload(
                        abort -> abort.bucket(bucket).key(upload.key()).uploadId(upload.uploadId())));
        for (ListObjectsV2Response page : client.listObjectsV2Paginator(list -> list.bucket(bucket))) {
            List<ObjectIdentifier> keys = page.contents().stream()
                    .map(object -> ObjectIdentifier.builder().key(object.key()).build())
                    .toList();
            if (!keys.isEmpty()) {
                client.deleteObjects(delete -> delete.bucket(bucket).delete(batch -> batch.objects(keys)));
            }
        }
        client.deleteBucket(delete -> delete.bucket(bucket));
    }

    private static S3Service startService() {
        if (DockerAvailability.isAvailable()) {
            try {
                LocalStackContainer localStack = new LocalStackContainer(LOCALSTACK_IMAGE).withServices("s3");
                localStack.start();
                Runtime.getRuntime().addShutdownHook(new Thread(localStack::stop, "test-s3-container-stop"));
                return new S3Service(
                        localStack.getEndpoint(),
                        localStack.getRegion(),
                        localStack.getAccessKey(),
                        localStack.getSecretKey());
            } catch (RuntimeException e) {
                LOG.warn(
                        "Docker runs but the {} container did not start ({}); using s3proxy in this JVM",
                        LOCALSTACK_IMAGE,
                        e.getMessage());
            }
        }
        LocalS3 s3 = LocalS3.inMemory();
        Runtime.getRuntime().addShutdownHook(new Thread(s3::close, "test-s3-stop"));
        return S3Service.of(s3);
    }

    public URI endpoint() {
        return service().endpoint();
    }

    public String region() {
        return service().region();
    }

    public String accessKey() {
        return service().accessKey();
    }

    public String secretKey() {
        return service().secretKey();
    }

    /** The bucket created for this test class, empty at its start. */
    public String bucket() {
        service();
        return bucket;
    }

    /** A client for {@link #endpoint()} (path-style, URL-connection HTTP), closed after the test class. */
    public S3Client s3Client() {
        service();
        return client;
    }

    private S3Service service() {
        if (service == null) {
            throw new IllegalStateException("TestS3 has no bucket yet: register it on a static field with "
                    + "@RegisterExtension and use it from tests or @BeforeAll methods");
        }
        return service;
    }
}
