package org.hmis.predictions.localservices;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API in this process: s3proxy on a free loopback port, AWS signature V4 with fixed keys, objects either
 * in memory or as plain files under a directory ({@code <directory>/<bucket>/<key>}) a person can look at.
 * Clients use {@link #endpoint()} with path-style addressing.
 */
public final class LocalS3 implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalS3.class);
    private static final String REGION = "us-east-1";
    private static final String ACCESS_KEY = "local-s3-access-key";
    private static final String SECRET_KEY = "local-s3-secret-key";
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final S3Proxy proxy;
    private final BlobStore store;
    private final URI endpoint;
    private final Path directory;

    private LocalS3(S3Proxy proxy, BlobStore store, URI endpoint, Path directory) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
        this.directory = directory;
    }

    /** Objects live in memory and vanish on {@link #close()}. */
    public static LocalS3 inMemory() {
        return start(new TransientNio2BlobStore(), null);
    }

    /** Objects are files under {@code directory}, one sub-directory per bucket; they stay after {@link #close()}. */
    public static LocalS3 inDirectory(Path directory) {
        Path absolute = directory.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new ServiceStartException("Cannot create the S3 directory " + absolute + ": " + e.getMessage(), e);
        }
        return start(new FilesystemNio2BlobStore(absolute.toString()), absolute);
    }

    private static LocalS3 start(BlobStore store, Path directory) {
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + host + ":0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        long started = System.nanoTime();
        try {
            proxy.start();
        } catch (Exception e) {
            store.close();
            throw new ServiceStartException("s3proxy did not start on " + host + ": " + e.getMessage(), e);
        }
        URI endpoint = URI.create("http://" + host + ":" + proxy.getPort());
        LOG.info(
                "Local S3 API at {} ({}) started in {} ms",
                endpoint,
                directory == null ? "in memory" : "files under " + directory,
                (System.nanoTime() - started) / 1_000_000);
        return new LocalS3(proxy, store, endpoint, directory);
    }

    public URI endpoint() {
        return endpoint;
    }

    public String region() {
        return REGION;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** Where the objects are, for a store on disk: {@code <directory>/<bucket>/<key>}. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** Creates {@code bucket} unless it exists already; the name must be one S3 itself would take. */
    public void createBucket(String bucket) {
        if (bucket == null || !BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' must be 3 to 63 lower-case letters, "
                    + "digits, dots or hyphens, starting and ending with a letter or digit");
        }
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy at " + endpoint + " did not stop: " + e.getMessage(), e);
        } finally {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "local S3 API at " + endpoint;
    }
}
