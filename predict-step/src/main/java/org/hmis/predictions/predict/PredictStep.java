package org.hmis.predictions.predict;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.csv.CsvFormatException;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.common.storage.ObjectMetadata;
import org.hmis.predictions.common.storage.RunKeys;
import org.hmis.predictions.common.trees.TreeEnsemble;
import org.hmis.predictions.common.trigger.ObjectRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Predicts one wrangled part after another: reads {@code wrangled/<runId>/part-NNNNN.csv}, checks its header against
 * the model's features, predicts the rows in fixed-size batches and streams
 * {@code predictions/<runId>/part-NNNNN.csv} (same run, same part number) to the output bucket. Memory is bounded by
 * the batch size, whatever the part's size. A part that fails anywhere, from a wrong header to a malformed last row,
 * writes nothing. The same part and model give the same bytes, so a duplicate event rewrites an identical object.
 */
public final class PredictStep {
    public static final String STEP = "predict";
    /** Rows predicted at a time: 10,000 rows of 49 features is 4 MB, and two batches are in flight. */
    public static final int DEFAULT_BATCH_ROWS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(PredictStep.class);
    private static final int WRITE_BUFFER_CHARS = 1 << 16;
    private static final ThreadFactory PREDICTING_THREADS = task -> {
        Thread thread = new Thread(task, "predict-batches");
        thread.setDaemon(true);
        return thread;
    };

    private final ObjectStore store;
    private final String outputBucket;
    private final CurrentModel model;
    private final int batchRows;

    /**
     * @param model the container's model, loaded on first use; its manifest names the feature specification a part
     *     must have been wrangled with
     * @param batchRows rows predicted at a time; with the model's feature count it bounds the memory used
     */
    public PredictStep(ObjectStore store, String outputBucket, CurrentModel model, int batchRows) {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batchRows should be positive, found " + batchRows);
        }
        this.store = store;
        this.outputBucket = outputBucket;
        this.model = model;
        this.batchRows = batchRows;
    }

    /**
     * The step as the function, the local runner and the benchmarks build it: the model under
     * {@code models/<MODEL_NAME>/} of the input bucket, loaded on first use; predictions to the output bucket.
     */
    public static PredictStep from(PipelineConfig config, ObjectStore store) {
        CurrentModel model = new CurrentModel(store, config.storage().inputBucket(), config.modelName());
        return new PredictStep(store, config.storage().outputBucket(), model, DEFAULT_BATCH_ROWS);
    }

    /** One predicted part. */
    public record PartResult(
            ObjectRef source,
            ObjectRef predictions,
            String runId,
            long rows,
            String model,
            String modelEtag,
            long durationMs) {}

    /** An object the step was told of but does not predict (a rejected-rows file, anything not a part). */
    public record Skipped(String source, String reason) {}

    /** An object whose prediction failed, and why; nothing was written for it. */
    public record Failed(String source, String error) {}

    /** What an invocation did. */
    public record Summary(
            String step,
            List<PartResult> parts,
            List<Skipped> skipped,
            List<Failed> failed,
            long rows,
            int modelLoads,
            long durationMs) {}

    /**
     * Predicts every wrangled part among {@code objects}, skipping other keys. Every part is tried; if any failed,
     * a {@link PredictFailedException} lists them after the others are written, so the invocation fails (and S3's
     * retry or the dead-letter queue sees it) while the good parts are not held back.
     */
    public Summary run(List<ObjectRef> objects) {
        Instant started = Instant.now();
        List<PartResult> parts = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        for (ObjectRef object : objects) {
            Optional<RunKeys.Part> part =
                    RunKeys.parsePart(object.key()).filter(p -> p.stage() == RunKeys.Stage.WRANGLED);
            if (part.isEmpty()) {
                String reason = "not a wrangled part (" + RunKeys.WRANGLED_PREFIX + "<runId>/part-NNNNN.csv)";
                LOG.info("Skipped {}: {}", object, reason);
                skipped.add(new Skipped(object.toString(), reason));
                continue;
            }
            try {
                parts.add(predict(object, part.get()));
            } catch (RuntimeException e) {
                LOG.error("Predicting {} failed: {}", object, e.getMessage(), e);
                failed.add(new Failed(object.toString(), e.getMessage()));
            }
        }
        Summary summary = new Summary(
                STEP,
                parts,
                skipped,
                failed,
                parts.stream().mapToLong(PartResult::rows).sum(),
                model.loads(),
                Duration.between(started, Instant.now()).toMillis());
        if (!failed.isEmpty()) {
            throw new PredictFailedException(summary);
        }
        return summary;
    }

    /**
     * Predicts one wrangled part.
     *
     * @throws IllegalArgumentException when the key is not a wrangled part
     * @throws CsvFormatException when the part's header, a row or its feature specification is not what the model
     *     reads, naming the difference, the line or the column
     * @throws ModelNotFoundException when the model is missing
     * @throws org.hmis.predictions.common.model.InvalidModelException when the model cannot be used
     */
    public PartResult predict(ObjectRef wrangled) {
        return predict(wrangled, RunKeys.requirePart(wrangled.key(), RunKeys.Stage.WRANGLED));
    }

    private PartResult predict(ObjectRef wrangled, RunKeys.Part part) {
        long started = System.nanoTime();
        LoadedModel current = model.get();
        String source = wrangled.toString();
        String outputKey = part.asPredictions().key();
        long rows;
        try (ResponseInputStream<GetObjectResponse> in = store.open(wrangled.bucket(), wrangled.key())) {
            checkSpecVersion(
                    source, in.response().metadata(), current.manifest().featureSpecVersion());
            try (WrangledCsv.RowReader reader =
                            WrangledCsv.reader(in, source, current.manifest().features());
                    ObjectUpload upload = store.upload(outputBucket, outputKey)) {
                rows = predictRows(reader, current.trees(), upload);
                Map<String, String> metadata = new LinkedHashMap<>();
                metadata.put(ObjectMetadata.MODEL, current.name());
                metadata.put(ObjectMetadata.MODEL_ETAG, current.modelEtag());
                if (current.modelVersion() != null) {
                    metadata.put(ObjectMetadata.MODEL_VERSION, current.modelVersion());
                }
                metadata.put(ObjectMetadata.RUN_ID, part.runId().value());
                metadata.put(ObjectMetadata.ROWS, Long.toString(rows));
                upload.commit(metadata);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not predict " + source + ": " + e.getMessage(), e);
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        LOG.info(
                "Predicted {} rows of {} into s3://{}/{} with model {} in {} ms",
                rows,
                source,
                outputBucket,
                outputKey,
                current.name(),
                durationMs);
        return new PartResult(
                wrangled,
                new ObjectRef(outputBucket, outputKey),
                part.runId().value(),
                rows,
                current.name(),
                current.modelEtag(),
                durationMs);
    }

    /** The wrangle step records the specification it wrote with; a part without the record is judged by its header. */
    private static void checkSpecVersion(String source, Map<String, String> metadata, String modelsVersion) {
        String version = metadata.get(ObjectMetadata.FEATURE_SPEC_VERSION);
        if (version != null && !version.equals(modelsVersion)) {
            throw new CsvFormatException(
                    source + " was wrangled with feature specification " + version + " (object metadata "
                            + ObjectMetadata.FEATURE_SPEC_VERSION + "), but the model reads " + modelsVersion);
        }
    }

    /**
     * Reads rows into a batch and, once it is full, hands it to a second thread that predicts and writes it while
     * this one parses the next: CSV parsing overlaps the trees' evaluation. Two batches in all, so memory stays
     * bounded by the batch size. Batches are written in the order read.
     */
    private long predictRows(WrangledCsv.RowReader reader, TreeEnsemble trees, ObjectUpload upload) throws IOException {
        BufferedWriter text =
                new BufferedWriter(new OutputStreamWriter(upload, StandardCharsets.UTF_8), WRITE_BUFFER_CHARS);
        PredictionsCsv.CsvWriter writer = new PredictionsCsv.CsvWriter(text);
        Batch[] batches = {new Batch(batchRows, trees), new Batch(batchRows, trees)};
        ExecutorService predicting = Executors.newSingleThreadExecutor(PREDICTING_THREADS);
        Future<?> pending = null;
        try {
            int current = 0;
            while (true) {
                Batch batch = batches[current];
                boolean more = batch.fill(reader);
                if (batch.rows > 0) {
                    // The other batch may still be in flight; its writes must come first, and this one is free.
                    await(pending);
                    pending = predicting.submit(() -> batch.predictAndWrite(trees, writer));
                    current = 1 - current;
                }
                if (!more) {
                    break;
                }
            }
            await(pending);
            pending = null;
        } finally {
            if (pending != null) {
                // A parse failure: let the batch in flight finish before the upload is discarded under it.
                pending.cancel(false);
                awaitQuietly(pending);
            }
            predicting.shutdown();
        }
        text.flush();
        return writer.rows();
    }

    private static void await(Future<?> pending) throws IOException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while predicting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IOException(e.getCause());
        }
    }

    private static void awaitQuietly(Future<?> pending) {
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // The failure being reported is the parse error; this batch's fate does not matter, nothing is kept.
        }
    }

    /** Up to {@code capacity} rows: keys, features in, probabilities out. */
    private static final class Batch {
        private final int capacity;
        private final int numFeatures;
        private final double[] features;
        private final double[] probabilities;
        private final int[] personalIds;
        private final String[] enrollDates;
        private int rows;

        Batch(int capacity, TreeEnsemble trees) {
            this.capacity = capacity;
            this.numFeatures = trees.numFeatures();
            this.features = new double[capacity * numFeatures];
            this.probabilities = new double[capacity * trees.numClasses()];
            this.personalIds = new int[capacity];
            this.enrollDates = new String[capacity];
        }

        /** Reads rows until full or the end; returns false at the end of the part. */
        boolean fill(WrangledCsv.RowReader reader) throws IOException {
            rows = 0;
            while (rows < capacity) {
                if (!reader.next()) {
                    return false;
                }
                System.arraycopy(reader.features(), 0, features, rows * numFeatures, numFeatures);
                personalIds[rows] = reader.key().personalId();
                enrollDates[rows] = isoDate(reader.key().enrollDate());
                rows++;
            }
            return true;
        }

        void predictAndWrite(TreeEnsemble trees, PredictionsCsv.CsvWriter writer) {
            trees.predict(features, rows, probabilities);
            int numClasses = trees.numClasses();
            for (int row = 0; row < rows; row++) {
                writer.write(
                        personalIds[row],
                        enrollDates[row],
                        trees.mostLikelyClass(probabilities, row),
                        probabilities,
                        row * numClasses);
            }
        }
    }

    private static String isoDate(LocalDate date) {
        return date.toString();
    }
}
