package org.hmis.predictions.common.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.PipelineConfig;

/**
 * The CA bundle {@code DB_SSL_ROOT_CERT} names, as the file the PostgreSQL driver's {@code sslrootcert} wants:
 * {@code classpath:<resource>} (a file in the jar) and {@code s3://<bucket>/<key>} are copied once, at start, into a
 * file under {@code java.io.tmpdir}; anything else is a path used as it is (a Lambda layer's {@code /opt/...}).
 */
public final class CaBundle {
    /** Reads an object of the data bucket whole; the functions with an S3 client pass theirs. */
    @FunctionalInterface
    public interface ObjectReader {
        byte[] read(String bucket, String key);
    }

    /** For functions without an S3 client: an {@code s3://} bundle is refused at start, naming the variable. */
    public static final ObjectReader NO_OBJECT_STORE = (bucket, key) -> {
        throw new ConfigurationException(PipelineConfig.DB_SSL_ROOT_CERT + " names s3://" + bucket + "/" + key
                + ", but this function has no S3 client: give it the bundle as classpath:<resource> or a file path");
    };

    private static final String CLASSPATH = "classpath:";
    private static final String S3 = "s3://";

    private CaBundle() {}

    /** The bundle as a readable file; fails naming the variable when it cannot be read. */
    public static Path file(String location, ObjectReader objects) {
        try {
            if (location.startsWith(CLASSPATH)) {
                String resource = location.substring(CLASSPATH.length()).replaceFirst("^/", "");
                try (InputStream in = CaBundle.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new ConfigurationException(
                                PipelineConfig.DB_SSL_ROOT_CERT + ": no resource " + resource + " in the jar");
                    }
                    return copy(in.readAllBytes());
                }
            }
            if (location.startsWith(S3)) {
                String rest = location.substring(S3.length());
                int slash = rest.indexOf('/');
                return copy(objects.read(rest.substring(0, slash), rest.substring(slash + 1)));
            }
            Path path = Path.of(location);
            if (!Files.isReadable(path)) {
                throw new ConfigurationException(PipelineConfig.DB_SSL_ROOT_CERT + ": cannot read the file " + path);
            }
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(PipelineConfig.DB_SSL_ROOT_CERT + ": cannot read " + location, e);
        }
    }

    private static Path copy(byte[] pem) throws IOException {
        if (!new String(pem, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new ConfigurationException(
                    PipelineConfig.DB_SSL_ROOT_CERT + " names no PEM certificate bundle (no BEGIN CERTIFICATE line)");
        }
        Path file = Files.createTempFile("db-ca-", ".pem");
        Files.write(file, pem);
        file.toFile().deleteOnExit();
        return file;
    }
}
