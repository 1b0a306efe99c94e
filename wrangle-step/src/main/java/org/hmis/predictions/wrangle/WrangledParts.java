package org.hmis.predictions.wrangle;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.features.GuestKey;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.run.RunManifest;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's guests into {@code wrangled/<runId>/part-NNNNN.csv} objects of {@code partRows} rows each (the
 * last one shorter), each streamed into its own upload and committed, with its row count in the metadata, as
 * soon as it is full. Each committed part is a predict invocation's work, so prediction starts while later parts
 * are still being written.
 *
 * <p>A full part uploads on a background thread while the next one is written, so reading guests does not stop
 * for the upload; at most one part is uploading at a time, which bounds what is held to two parts' buffers.
 */
final class WrangledParts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WrangledParts.class);

    private final ObjectStore store;
    private final String bucket;
    private final RunId runId;
    private final int partRows;
    private final List<String> featureNames;
    private final Map<String, String> metadata;
    private final List<RunManifest.Part> committed = new ArrayList<>();
    private final ExecutorService uploader = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "wrangled-part-upload");
        thread.setDaemon(true);
        return thread;
    });
    private Future<RunManifest.Part> uploading;
    private int partsStarted;
    private ObjectUpload upload;
    private WrangledCsv.RowWriter writer;
    private long rows;

    /** {@code metadata} goes on every part, with the part's row count added. */
    WrangledParts(
            ObjectStore store,
            String bucket,
            RunId runId,
            int partRows,
            List<String> featureNames,
            Map<String, String> metadata) {
        this.store = store;
        this.bucket = bucket;
        this.runId = runId;
        this.partRows = partRows;
        this.featureNames = featureNames;
        this.metadata = metadata;
    }

    void write(GuestKey key, double[] features) throws IOException {
        if (writer == null) {
            upload = store.upload(
                    bucket, RunKeys.wrangledPart(runId, partsStarted++).key());
            writer = WrangledCsv.writer(upload, featureNames);
        }
        writer.write(key, features);
        rows++;
        if (writer.rowCount() == partRows) {
            commit();
        }
    }

    /**
     * Commits the part being written, if any, waits for the uploads, and returns every part (key, rows and the ETag
     * S3 gave it), in order.
     */
    List<RunManifest.Part> finish() throws IOException {
        if (writer != null) {
            commit();
        }
        awaitUpload();
        return List.copyOf(committed);
    }

    /** Rows written so far, over all parts. */
    long rows() {
        return rows;
    }

    /** Discards a part that was begun but not committed (the run failed) and lets an upload under way end. */
    @Override
    public void close() {
        if (upload != null) {
            upload.close();
        }
        uploader.shutdown();
        if (uploading != null) {
            try {
                uploading.get();
            } catch (ExecutionException e) {
                // The run is failing already; this upload's own failure adds nothing to that.
                LOG.debug("an upload failed while the run was failing", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void commit() throws IOException {
        writer.flush();
        awaitUpload();
        ObjectUpload part = upload;
        long partRowCount = writer.rowCount();
        Map<String, String> partMetadata = new HashMap<>(metadata);
        partMetadata.put(ObjectMetadata.ROWS, Long.toString(partRowCount));
        upload = null;
        writer = null;
        uploading = uploader.submit(() -> {
            long started = System.nanoTime();
            String etag = part.commit(partMetadata);
            LOG.debug(
                    "uploaded {} ({} rows, {} bytes) in {} ms",
                    part.key(),
                    partRowCount,
                    part.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return new RunManifest.Part(part.key(), partRowCount, etag);
        });
    }

    private void awaitUpload() throws IOException {
        if (uploading == null) {
            return;
        }
        try {
            committed.add(uploading.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading a wrangled part");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("uploading a wrangled part failed: " + cause.getMessage(), cause);
        } finally {
            uploading = null;
        }
    }
}
