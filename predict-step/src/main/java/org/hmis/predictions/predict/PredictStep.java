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
import java.util.Arrays;
import java.util.HashMap;
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
import org.hmis.predictions.common.explain.ReasonCatalog;
import org.hmis.predictions.common.explain.Reasons;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.trees.TreeEnsemble;
import org.hmis.predictions.trees.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Predicts one wrangled part after another: reads {@code wrangled/<runId>/part-NNNNN.csv}, checks its header against
 * the model's features, predicts the rows in fixed-size batches and streams
 * {@code predictions/<runId>/part-NNNNN.csv} (same run, same part number) to the output bucket: the class from the
 * five-class model, the risk from the risk model (the sigmoid of its raw score) and the reasons from that raw score's
 * exact contributions. Rows of identical features, such as a household's members under a household specification,
 * are predicted and explained once. Memory is bounded by the batch size, whatever the part's size. A part that fails anywhere, from a wrong header to a malformed last row,
 * writes nothing. The same part and model give the same bytes, so a duplicate event rewrites an identical object.
 */
public final class PredictStep {
    public static final String STEP = "predict";
    /**
     * Rows predicted at a time: 10,000 rows of 49 features is 4 MB, held twice (as read and as predicted), and two
     * batches are in flight.
     */
    public static final int DEFAULT_BATCH_ROWS = 10_000;
    /**
     * Rows predicted and explained at a time. The part is read while a batch is predicted, so a batch's time is how
     * long the read of the part pauses: explaining costs tens of times more than predicting, and a server may close a
     * connection left idle for long (the local S3 server after 30 s).
     */
    public static final int EXPLAINED_BATCH_ROWS = 1_000;
    /** Feature rows whose predictions a part's predicting thread keeps for the members of a household that follow. */
    static final int RECENT_HOUSEHOLDS = 2_048;

    private static final Logger LOG = LoggerFactory.getLogger(PredictStep.class);
    private static final int WRITE_BUFFER_CHARS = 1 << 16;
    private static final ThreadFactory PREDICTING_THREADS = task -> {
        Thread thread = new Thread(task, "predict-batches");
        thread.setDaemon(true);
        return thread;
    };

    private final ObjectStore store;
    private final String outputBucket;
    private final ServedModel model;
    private final int batchRows;
    private final Optional<ReasonCatalog> reasons;
    private final WorkerPool workers;

    /**
     * @param model the container's model, loaded on first use; its manifest names the feature specification a part
     *     must have been wrangled with
     * @param batchRows rows predicted at a time; with the model's feature count it bounds the memory used
     * @param reasons the texts each prediction is explained with, or empty to write no reasons
     * @param workers the threads a batch's trees are evaluated on, the predicting thread's included
     */
    public PredictStep(
            ObjectStore store,
            String outputBucket,
            ServedModel model,
            int batchRows,
            Optional<ReasonCatalog> reasons,
            WorkerPool workers) {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batchRows should be positive, found " + batchRows);
        }
        this.store = store;
        this.outputBucket = outputBucket;
        this.model = model;
        this.batchRows = batchRows;
        this.reasons = reasons;
        this.workers = workers;
    }

    /**
     * The step as the function, the local runner and the benchmarks build it: the model under
     * {@code models/<MODEL_NAME>/} of the input bucket, loaded on first use; predictions to the output bucket,
     * explained with the bundled reasons catalog unless {@code EXPLAIN=false}; one tree-evaluating thread per
     * processor the container has.
     */
    public static PredictStep from(PipelineConfig config, ObjectStore store) {
        ServedModel model = new ServedModel(store, config.storage().inputBucket(), config.modelName());
        return new PredictStep(
                store,
                config.storage().outputBucket(),
                model,
                config.explain() ? EXPLAINED_BATCH_ROWS : DEFAULT_BATCH_ROWS,
                config.explain() ? Optional.of(ReasonCatalog.bundled()) : Optional.empty(),
                WorkerPool.create(Runtime.getRuntime().availableProcessors()));
    }

    /** One predicted part. */
    public record PartResult(
            ObjectRef source,
            ObjectRef predictions,
            String runId,
            long rows,
            String model,
            String modelEtag,
            boolean explained,
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
        BuiltModel current = model.get();
        String source = wrangled.toString();
        String outputKey = part.asPredictions().key();
        long rows;
        try (ResponseInputStream<GetObjectResponse> in = store.open(wrangled.bucket(), wrangled.key())) {
            checkSpecVersion(
                    source, in.response().metadata(), current.manifest().featureSpecVersion());
            try (WrangledCsv.RowReader reader =
                            WrangledCsv.reader(in, source, current.manifest().features());
                    ObjectUpload upload = store.upload(outputBucket, outputKey)) {
                rows = predictRows(reader, current, upload);
                String sourceRows = checkRows(source, in.response().metadata(), rows);
                Map<String, String> metadata = new LinkedHashMap<>();
                metadata.put(ObjectMetadata.PREDICTIONS_FORMAT, PredictionsCsv.FORMAT);
                metadata.put(ObjectMetadata.MODEL, current.name());
                metadata.put(ObjectMetadata.MODEL_ETAG, current.modelEtag());
                if (current.modelVersion() != null) {
                    metadata.put(ObjectMetadata.MODEL_VERSION, current.modelVersion());
                }
                metadata.put(ObjectMetadata.RUN_ID, part.runId().value());
                metadata.put(ObjectMetadata.ROWS, Long.toString(rows));
                // The part's lineage: update applies it only if it came whole from the wrangled part its run listed.
                metadata.put(ObjectMetadata.SOURCE_PART, wrangled.key());
                metadata.put(
                        ObjectMetadata.SOURCE_ETAG,
                        ObjectStore.unquote(in.response().eTag()));
                metadata.put(ObjectMetadata.SOURCE_ROWS, sourceRows);
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
                reasons.isPresent() && current.risk().isPresent(),
                durationMs);
    }

    /**
     * A wrangled part holds the rows its metadata says: one cut short (at a line boundary, so every row reads well)
     * is refused before any prediction of it is written. Answers the rows of the part as its metadata gives them
     * (as read when it gives none: update still holds the part to its run's manifest).
     */
    private static String checkRows(String source, Map<String, String> metadata, long rows) {
        String written = metadata.get(ObjectMetadata.ROWS);
        if (written == null) {
            return Long.toString(rows);
        }
        if (!written.equals(Long.toString(rows))) {
            throw new CsvFormatException(source + " holds " + rows + " rows, but its metadata "
                    + ObjectMetadata.ROWS + " says " + written + ": the part is not whole (or was not written by the"
                    + " wrangle step); wrangle the run again");
        }
        return written;
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
    private long predictRows(WrangledCsv.RowReader reader, BuiltModel loaded, ObjectUpload upload) throws IOException {
        TreeEnsemble trees = loaded.trees();
        BufferedWriter text =
                new BufferedWriter(new OutputStreamWriter(upload, StandardCharsets.UTF_8), WRITE_BUFFER_CHARS);
        PredictionsCsv.CsvWriter writer = new PredictionsCsv.CsvWriter(text);
        // Built per part: the model may have changed since the last one, and a Reasons serves one thread.
        Optional<TreeEnsemble> risk = loaded.risk().map(BuiltModel.Risk::trees);
        Optional<Reasons> explanation = risk.flatMap(
                r -> reasons.map(catalog -> new Reasons(spec(loaded).features(), catalog)));
        Models models = new Models(trees, risk, explanation, new RecentHouseholds());
        Batch[] batches = {new Batch(batchRows, models), new Batch(batchRows, models)};
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
                    pending = predicting.submit(() -> batch.predictAndWrite(models, workers, writer));
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

    private static FeatureSpec spec(BuiltModel loaded) {
        return FeatureSpec.forVersion(loaded.manifest().featureSpecVersion());
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

    /**
     * What a part is predicted with: the five-class trees for the class, the risk model (when the model has one) for
     * the risk and the reasons, and the predictions of the households seen last.
     */
    private record Models(
            TreeEnsemble trees, Optional<TreeEnsemble> risk, Optional<Reasons> reasons, RecentHouseholds recent) {}

    /** One row's prediction, as written after its key. */
    @SuppressWarnings("ArrayRecordComponent") // never compared: rows are matched by their features
    private record Prediction(int predictedClass, double[] probabilities, double risk, String reasons) {}

    /** A row's features, compared value by value (NaN equal to NaN), as the key of its prediction. */
    @SuppressWarnings("ArrayRecordComponent") // compared by content below
    private record FeatureRow(double[] values) {
        static FeatureRow of(double[] rowMajor, int offset, int length) {
            return new FeatureRow(Arrays.copyOfRange(rowMajor, offset, offset + length));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof FeatureRow row && Arrays.equals(values, row.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    /**
     * The predictions of the {@value PredictStep#RECENT_HOUSEHOLDS} feature rows used last: the members of a household (under a
     * household specification, rows of identical features) come close together in a part, so each household is
     * predicted and explained once and its members given the same prediction. A prediction depends on the features
     * alone, so what is remembered changes no byte written. Used on the predicting thread only.
     */
    private static final class RecentHouseholds extends LinkedHashMap<FeatureRow, Prediction> {
        private static final long serialVersionUID = 1L;

        RecentHouseholds() {
            super(2 * RECENT_HOUSEHOLDS, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<FeatureRow, Prediction> eldest) {
            return size() > RECENT_HOUSEHOLDS;
        }
    }

    /**
     * Up to {@code capacity} rows: keys and features in; the distinct feature rows not predicted lately are
     * predicted (and explained) once each, and every row written with its features' prediction.
     */
    private static final class Batch {
        private final int capacity;
        private final int numFeatures;
        private final int numClasses;
        private final double[] features;
        private final int[] personalIds;
        private final String[] enrollDates;
        private final double[] distinct;
        private final FeatureRow[] distinctRows;
        private final int[] distinctOf;
        private final Prediction[] predictions;
        private final Prediction[] remembered;
        private final double[] probabilities;
        private final double[] rawRisk;
        private final double[] contributions;
        private final StringBuilder json = new StringBuilder(1024);
        private int rows;

        Batch(int capacity, Models models) {
            this.capacity = capacity;
            this.numFeatures = models.trees().numFeatures();
            this.numClasses = models.trees().numClasses();
            this.features = new double[capacity * numFeatures];
            this.personalIds = new int[capacity];
            this.enrollDates = new String[capacity];
            this.distinct = new double[capacity * numFeatures];
            this.distinctRows = new FeatureRow[capacity];
            this.distinctOf = new int[capacity];
            this.predictions = new Prediction[capacity];
            this.remembered = new Prediction[capacity];
            this.probabilities = new double[capacity * numClasses];
            this.rawRisk = models.risk().isPresent() ? new double[capacity] : null;
            this.contributions = models.reasons().isPresent() ? new double[capacity * (numFeatures + 1)] : null;
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

        void predictAndWrite(Models models, WorkerPool workers, PredictionsCsv.CsvWriter writer) {
            int count = distinctRows(models.recent());
            models.trees().predict(distinct, count, probabilities, workers);
            if (models.risk().isPresent()) {
                models.risk().get().predictRaw(distinct, count, rawRisk, workers);
            }
            if (models.reasons().isPresent()) {
                models.risk().get().classContributions(distinct, count, 0, contributions, workers);
            }
            for (int d = 0; d < count; d++) {
                String reasons = null;
                if (models.reasons().isPresent()) {
                    json.setLength(0);
                    models.reasons()
                            .get()
                            .appendJson(
                                    distinct, d * numFeatures, contributions, d * (numFeatures + 1), rawRisk[d], json);
                    reasons = json.toString();
                }
                double risk = models.risk().isPresent()
                        ? 1.0 / (1.0 + Math.exp(-rawRisk[d]))
                        : PredictionsCsv.risk(probabilities, d * numClasses);
                Prediction prediction = new Prediction(
                        models.trees().mostLikelyClass(probabilities, d),
                        Arrays.copyOfRange(probabilities, d * numClasses, (d + 1) * numClasses),
                        risk,
                        reasons);
                models.recent().put(distinctRows[d], prediction);
                predictions[d] = prediction;
            }
            for (int row = 0; row < rows; row++) {
                Prediction p = distinctOf[row] < 0 ? remembered[row] : predictions[distinctOf[row]];
                writer.write(
                        personalIds[row],
                        enrollDates[row],
                        p.predictedClass(),
                        p.probabilities(),
                        0,
                        p.risk(),
                        p.reasons());
            }
        }

        /**
         * Gathers into {@link #distinct} the batch's feature rows that are neither predicted lately nor earlier in
         * the batch; {@link #distinctOf} maps each row to its distinct row, or -1 when its prediction is remembered
         * (in {@link #remembered}: what is predicted next may push it out of the recent ones).
         */
        private int distinctRows(RecentHouseholds recent) {
            Map<FeatureRow, Integer> inBatch = new HashMap<>();
            int count = 0;
            for (int row = 0; row < rows; row++) {
                FeatureRow key = FeatureRow.of(features, row * numFeatures, numFeatures);
                remembered[row] = recent.get(key);
                if (remembered[row] != null) {
                    distinctOf[row] = -1;
                    continue;
                }
                Integer seen = inBatch.get(key);
                if (seen == null) {
                    seen = count++;
                    inBatch.put(key, seen);
                    distinctRows[seen] = key;
                    System.arraycopy(features, row * numFeatures, distinct, seen * numFeatures, numFeatures);
                }
                distinctOf[row] = seen;
            }
            return count;
        }
    }

    private static String isoDate(LocalDate date) {
        return date.toString();
    }
}
