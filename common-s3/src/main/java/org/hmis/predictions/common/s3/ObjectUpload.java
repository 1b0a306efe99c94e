package org.hmis.predictions.common.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * An object being written. Bytes are kept in memory up to a bound, then spooled to a temporary file, so
 * memory stays bounded however large the object; {@link #commit} uploads it with metadata known only at
 * the end (a part's row count). Closing without committing writes nothing, so a step that fails half-way
 * never leaves a half-written object for the next step's trigger to pick up.
 */
public final class ObjectUpload extends OutputStream {
    static final int MEMORY_LIMIT = 8 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final int memoryLimit;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(64 * 1024);
    private Path spoolFile;
    private OutputStream spool;
    private long size;
    private boolean finished;

    ObjectUpload(S3Client s3, String bucket, String key, int memoryLimit) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.memoryLimit = memoryLimit;
    }

    public String key() {
        return key;
    }

    public long size() {
        return size;
    }

    @Override
    public void write(int b) throws IOException {
        target(1).write(b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        target(len).write(b, off, len);
        size += len;
    }

    @Override
    public void flush() throws IOException {
        if (spool != null) {
            spool.flush();
        }
    }

    private OutputStream target(int extra) throws IOException {
        if (finished) {
            throw new IOException("s3://" + bucket + "/" + key + " was already committed or closed");
        }
        if (spool == null && memory.size() + (long) extra > memoryLimit) {
            spoolFile = Files.createTempFile("upload-", ".part");
            spool = new java.io.BufferedOutputStream(Files.newOutputStream(spoolFile), 256 * 1024);
            memory.writeTo(spool);
            memory = null;
        }
        return spool != null ? spool : memory;
    }

    /** Uploads what was written, with this metadata, and returns the new object's ETag. */
    public String commit(Map<String, String> metadata) {
        if (finished) {
            throw new IllegalStateException("s3://" + bucket + "/" + key + " was already committed or closed");
        }
        try {
            PutObjectRequest request = PutObjectRequest.builder()
                    .bucket(bucket)
                    .key(key)
                    .contentType("text/csv")
                    .metadata(metadata)
                    .contentLength(size)
                    .build();
            RequestBody body;
            if (spool != null) {
                spool.close();
                body = RequestBody.fromFile(spoolFile);
            } else {
                body = RequestBody.fromContentProvider(
                        () -> new java.io.ByteArrayInputStream(memory.toByteArray()), size, "text/csv");
            }
            String etag = s3.putObject(request, body).eTag();
            return ObjectStore.unquote(etag);
        } catch (IOException e) {
            throw new ObjectStoreException("PutObject", bucket, key, e);
        } catch (SdkException e) {
            throw new ObjectStoreException("PutObject", bucket, key, e);
        } finally {
            discard();
        }
    }

    /** Discards what was written unless it was committed. */
    @Override
    public void close() {
        discard();
    }

    private void discard() {
        if (finished) {
            return;
        }
        finished = true;
        memory = null;
        if (spool != null) {
            try {
                spool.close();
                Files.deleteIfExists(spoolFile);
            } catch (IOException e) {
                throw new UncheckedIOException("could not remove the spool file " + spoolFile, e);
            }
        }
    }
}
