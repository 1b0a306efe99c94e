package org.hmis.predictions.wrangle;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.FeatureRowHash;
import org.hmis.predictions.common.db.GuestKeyColumns;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.db.TransactionSettings;
import org.hmis.predictions.common.drift.DriftAssessment;
import org.hmis.predictions.common.drift.DriftCounts;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.GuestKey;
import org.hmis.predictions.common.features.RejectedRowException;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.run.RunManifest;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.OutOfTimeException;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the current guests' feature columns and writes them, encoded by the feature specification the current model's
 * manifest names ({@link DeployedManifest}, read once per run), as {@code wrangled/<runId>/part-NNNNN.csv} parts of
 * {@code partRows} rows, then the run's manifest {@code wrangled/<runId>/_manifest.json}.
 *
 * <p>As the rows stream it counts every guest written into the bins of the manifest's drift baseline
 * ({@link DriftCounts}), each household once under a household specification, and tests every feature against the
 * baseline at the number of households measured ({@link DriftAssessment}), tonight alone or pooled with the nights
 * before ({@link PipelineConfig#driftNights}, {@link EarlierNights}). It records, with the run, each feature's
 * population stability index and corrected p-value, the shifted features, and tonight's counts; a shifted feature is
 * logged at WARN. A model without a baseline (trained before training recorded one) gets no drift, which the log says
 * once per run.
 *
 * <p>Only the key and the specification's source columns are selected, so personal data never leaves the
 * database. Rows stream from {@code COPY (SELECT ...) TO STDOUT (FORMAT csv)} through a byte-level parser into
 * the encoder and on into the part being written: memory holds one row (two while a key might repeat) and at most
 * two parts' upload buffers (one uploading while the next is written), whatever the population. Rows come in key
 * order, so the same guests give the same objects byte for byte.
 *
 * <p>Tablesaw is not used: a table holds every row of the population (or of a part) before anything is written, so
 * memory would grow with the shelter, and the encoding is one fixed row-by-row transform ({@link GuestFeatures}) that
 * needs no dataframe.
 *
 * <p>The run's lifecycle is recorded in its ledger ({@link RunLedger}): the run is recorded {@code started} (with the database's clock,
 * which orders runs) before anything is read, {@code wrangled} once the manifest is written after the last part,
 * and {@code failed}, with the reason, whatever stops it: a bad key column, the database, S3, or the invocation's
 * {@link Deadline} (checked as rows stream, and given to every statement as its timeouts). A failed run started again
 * first removes the parts its earlier attempt left, wrangled and predicted.
 *
 * <p>By default a run writes only the current guests whose prediction would change ({@link #copyCurrentGuests(
 * SqlIdentifier, SqlIdentifier, FeatureSpec, boolean)}): no prediction yet, a feature row whose hash
 * ({@link FeatureRowHash}) differs from the one recorded with their prediction, a prediction made by another model
 * ({@code model.txt}'s ETag) or specification, or a {@code predicted_exit_destination} the intake app changed since
 * the pipeline wrote it. The others are carried over: their prediction stands, and the ranking at completion ranks
 * them with the rest. A full refresh ({@code FULL_REFRESH}, or a request's {@code full}) writes every current guest.
 *
 * <p>Keys are checked where they enter: the key columns' types are read from the catalog first
 * ({@link GuestKeyColumns}); a row whose key is missing or malformed, and every copy of a key that occurs more than
 * once ({@link DuplicateKeys}), goes to {@code wrangled/<runId>/rejected.csv} (see {@link RejectedRows}).
 */
public final class WrangleStep {
    public static final String STEP = RunLedger.RUN_STEP;
    /** Summary status of a schedule's second delivery, whose run was done (or running) already. */
    public static final String NOTHING_TO_DO = "nothing-to-do";

    private static final Logger LOG = LoggerFactory.getLogger(WrangleStep.class);
    /** Rows between two looks at the clock: cheap, and a few milliseconds of reading at most. */
    private static final int ROWS_PER_TIME_CHECK = 1024;

    private final DataSource dataSource;
    private final SqlIdentifier guestsTable;
    private final ObjectStore store;
    private final String bucket;
    private final String predictionsBucket;
    private final String modelName;
    private final int partRows;
    private final int driftNights;
    private final boolean fullRefresh;
    private final SqlIdentifier guestPredictionsTable;
    private final RunLedger ledger;

    /**
     * @param bucket            where the parts go (the configuration's input bucket: the one predict reads)
     * @param predictionsBucket where predict writes the run's predictions (removed with the parts on a re-run)
     * @param modelName         the model under {@code models/<name>/} of {@code bucket} whose specification to write
     * @param partRows          guests per part
     */
    public WrangleStep(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            ObjectStore store,
            String bucket,
            String predictionsBucket,
            String modelName,
            int partRows) {
        this(
                dataSource,
                guestsTable,
                SqlIdentifier.of(PipelineConfig.DEFAULT_GUEST_PREDICTIONS_TABLE),
                store,
                bucket,
                predictionsBucket,
                modelName,
                partRows);
    }

    /**
     * @param guestPredictionsTable where a run's current guests are ranked by risk when it completes here (its parts
     *     were all applied before the manifest was written)
     */
    public WrangleStep(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            ObjectStore store,
            String bucket,
            String predictionsBucket,
            String modelName,
            int partRows) {
        this(
                dataSource,
                guestsTable,
                guestPredictionsTable,
                store,
                bucket,
                predictionsBucket,
                modelName,
                partRows,
                PipelineConfig.DEFAULT_DRIFT_NIGHTS);
    }

    /** @param driftNights the nights drift is measured over, tonight's included ({@link PipelineConfig#driftNights}) */
    public WrangleStep(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            ObjectStore store,
            String bucket,
            String predictionsBucket,
            String modelName,
            int partRows,
            int driftNights) {
        this(
                dataSource,
                guestsTable,
                guestPredictionsTable,
                store,
                bucket,
                predictionsBucket,
                modelName,
                partRows,
                driftNights,
                false);
    }

    /** @param fullRefresh whether every run writes every current guest ({@link PipelineConfig#fullRefresh}) */
    public WrangleStep(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            ObjectStore store,
            String bucket,
            String predictionsBucket,
            String modelName,
            int partRows,
            int driftNights,
            boolean fullRefresh) {
        if (partRows < 1) {
            throw new IllegalArgumentException("partRows must be at least 1, was " + partRows);
        }
        this.dataSource = dataSource;
        this.guestsTable = guestsTable;
        this.store = store;
        this.bucket = bucket;
        this.predictionsBucket = predictionsBucket;
        this.modelName = modelName;
        this.partRows = partRows;
        if (driftNights < 1) {
            throw new IllegalArgumentException("driftNights must be at least 1, was " + driftNights);
        }
        this.driftNights = driftNights;
        this.fullRefresh = fullRefresh;
        this.guestPredictionsTable = guestPredictionsTable;
        this.ledger = new RunLedger(guestsTable, guestPredictionsTable);
    }

    /** Parts and predictions in one bucket, for the model of the default name. */
    public WrangleStep(
            DataSource dataSource, SqlIdentifier guestsTable, ObjectStore store, String bucket, int partRows) {
        this(dataSource, guestsTable, store, bucket, bucket, PipelineConfig.DEFAULT_MODEL_NAME, partRows);
    }

    /** The step as the function, the local runner and the benchmarks build it: parts go to the input bucket. */
    public static WrangleStep from(PipelineConfig config, Database database, ObjectStore store) {
        return new WrangleStep(
                database.dataSource(),
                config.guestsTable(),
                config.guestPredictionsTable(),
                store,
                config.storage().inputBucket(),
                config.storage().outputBucket(),
                config.modelName(),
                config.partRows(),
                config.driftNights(),
                config.fullRefresh());
    }

    /**
     * What a run did.
     *
     * @param status        {@code wrangled}, {@code complete} (every part was applied already, or there were none), or
     *                      {@value #NOTHING_TO_DO}
     * @param startedAt     the run's start as the database recorded it; null when there was nothing to do
     * @param parts         the keys of the parts written, in order; empty when there are no current guests
     * @param rejected      rows set aside in rejected.csv, {@code duplicateKeys} of them for a repeated key
     * @param rejectedKey   the key of rejected.csv, or null when no row was rejected
     * @param manifestKey   the key of the run's manifest, or null when there was nothing to do
     * @param unknownValues per source column, how many values the specification does not know (new categories)
     * @param featureSpecVersion the specification the parts were written in, the model's; null when there was
     *                      nothing to do
     * @param message       one line for a person: how many guests went into how many parts, or that there were none
     * @param maxFeaturePsi the largest PSI of a feature against the model's drift baseline; null when none was
     *                      computed (the model has no baseline, there is no current guest, or there was nothing to do)
     * @param driftedFeatures the features that shifted ({@link DriftAssessment}), largest PSI first
     * @param carriedOver   current guests not written because their prediction stands ({@code rows} were re-scored)
     * @param full          whether every current guest was written (a full refresh)
     */
    public record Summary(
            String step,
            String runId,
            String status,
            Instant startedAt,
            String bucket,
            long rows,
            List<String> parts,
            long rejected,
            long duplicateKeys,
            String rejectedKey,
            String manifestKey,
            Map<String, Long> unknownValues,
            String featureSpecVersion,
            long durationMs,
            String message,
            Double maxFeaturePsi,
            List<String> driftedFeatures,
            long carriedOver,
            boolean full) {

        /** The parts written, as the objects predict is handed. */
        public List<ObjectRef> partObjects() {
            return parts.stream().map(key -> new ObjectRef(bucket, key)).toList();
        }
    }

    /** The bucket the parts are written to. */
    public String bucket() {
        return bucket;
    }

    /**
     * Checks that {@code request} may start now without starting it: POST /refresh answers before the work.
     *
     * @throws org.hmis.predictions.common.db.RunRefusedException naming why not
     */
    public void admit(RunRequest request) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            ledger.admit(connection, request);
        }
    }

    /**
     * The query the step streams ({@link FeatureQuery#currentGuests}): the key and the source columns, in
     * {@link GuestFeatures#inputColumns()} order, of the guests still in the shelter, in key order: copies of a key
     * come one after another. With the intake app's index on the key the server reads the rows in that order without
     * sorting, unless a household specification's aggregates need the rows by household first.
     */
    public static String copyCurrentGuests(SqlIdentifier guestsTable, FeatureSpec spec) {
        return FeatureQuery.copy(FeatureQuery.currentGuests(guestsTable, spec));
    }

    /**
     * The query the step streams: {@link #copyCurrentGuests(SqlIdentifier, FeatureSpec)}'s rows (with the guests
     * table's {@code predicted_exit_destination} when it has one) each followed by what its guest's prediction in
     * {@code guestPredictionsTable} was made from: the feature row's hash, {@code spec/model/modelEtag}, and whether
     * the guests table still holds the class the pipeline wrote (false without the column). A guest without a
     * prediction has NULLs.
     */
    public static String copyCurrentGuests(
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            FeatureSpec spec,
            boolean predictionColumn) {
        String column = '"' + ExitDestinationClasses.PREDICTION_COLUMN + '"';
        return FeatureQuery.copy("SELECT q.*, h.feature_hash,"
                + " concat_ws('/', h.feature_spec_version, h.model, h.model_etag),"
                + (predictionColumn ? " h.predicted_exit_destination IS NOT DISTINCT FROM q." + column : " false")
                + " FROM ("
                + FeatureQuery.currentGuests(
                        guestsTable,
                        spec,
                        predictionColumn ? List.of(ExitDestinationClasses.PREDICTION_COLUMN) : List.of())
                + ") q LEFT JOIN " + guestPredictionsTable.quoted() + " h ON h.personal_id = q.\"personal_id\""
                + " AND h.enroll_date = q.\"enroll_date\" ORDER BY q.\"personal_id\", q.\"enroll_date\"");
    }

    /** What a prediction made from {@code spec} by the model of {@code modelName} and {@code modelEtag} records. */
    static String madeBy(FeatureSpec spec, String modelName, String modelEtag) {
        return spec.version() + "/" + modelName + "/" + modelEtag;
    }

    /** Wrangles the current guests under a run id this process made, with no deadline (local runs and tests). */
    public Summary run(RunId runId) throws SQLException, IOException {
        return run(RunRequest.madeHere(runId), Deadline.NONE);
    }

    /**
     * Wrangles the current guests under the run {@code request} names, within {@code deadline}. A run that fails is
     * recorded {@code failed} with the reason, and the failure is rethrown.
     *
     * @throws org.hmis.predictions.common.db.RunRefusedException when the run id is refused
     */
    public Summary run(RunRequest request, Deadline deadline) throws SQLException, IOException {
        long started = System.nanoTime();
        RunId runId = request.runId();
        boolean full = fullRefresh || request.full();
        try (Connection connection = dataSource.getConnection()) {
            Optional<RunLedger.Start> start = ledger.started(connection, request);
            if (start.isEmpty()) {
                return nothingToDo(runId, started);
            }
            try {
                ledger.seen(connection, runId, STEP, "", deadline);
                return wrangle(connection, start.get(), full, deadline, started);
            } catch (SQLException | IOException | RuntimeException | Error e) {
                recordFailure(connection, runId, e);
                throw e;
            } finally {
                release(connection, runId);
            }
        }
    }

    private Summary wrangle(
            Connection connection, RunLedger.Start start, boolean full, Deadline deadline, long startedNanos)
            throws SQLException, IOException {
        RunId runId = start.runId();
        deadline.check("wrangling run " + runId);
        if (start.rerun()) {
            removeEarlierAttempt(runId);
        }
        RunModel model = readModel(runId);
        Streamed streamed = writeParts(connection, runId, model, full, deadline);
        deadline.check("writing the manifest of run " + runId);
        String manifestKey = writeManifest(runId, model, streamed);
        Optional<FeatureDrift> drift = model.drift() == null
                ? Optional.empty()
                : FeatureDrift.of(
                        model.drift(),
                        streamed.households(),
                        EarlierNights.read(
                                connection, runId, model.drift().baseline().fingerprint(), driftNights - 1));
        String status = ledger.wrangled(
                connection,
                runId,
                streamed.partKeys().size(),
                streamed.rows(),
                details(model, streamed, manifestKey, drift, full));
        Summary summary = summary(start, status, model, streamed, manifestKey, drift, full, startedNanos);
        logRun(summary, streamed, drift);
        return summary;
    }

    /**
     * What the run writes by: the deployed model, its specification and drift baseline's bins (null without one), the
     * encoder, the metadata every object of the run carries, and what a prediction it makes records it was made by
     * ({@link #madeBy}; null when {@code model.txt} is missing, and predict will fail).
     */
    private record RunModel(
            DeployedManifest model,
            FeatureSpec spec,
            DriftCounts drift,
            GuestFeatures features,
            Map<String, String> metadata,
            String madeBy) {}

    /** Reads the deployed model once for the run. */
    private RunModel readModel(RunId runId) {
        DeployedManifest model = DeployedManifest.read(store, bucket, modelName);
        FeatureSpec spec = model.spec();
        DriftCounts drift = model.driftBaseline().map(DriftCounts::new).orElse(null);
        if (drift == null) {
            LOG.info(
                    "run {}: {} has no drift_baseline (trained before training recorded one): no drift computed",
                    runId,
                    model.key());
        }
        Map<String, String> metadata =
                Map.of(ObjectMetadata.FEATURE_SPEC_VERSION, spec.version(), ObjectMetadata.RUN_ID, runId.value());
        // The model predict will load: a new model.txt is a new ETag, and every guest is predicted again.
        String madeBy = store.head(bucket, RunKeys.modelKey(modelName))
                .map(text -> madeBy(spec, modelName, text.etag()))
                .orElse(null);
        return new RunModel(model, spec, drift, new GuestFeatures(spec), metadata, madeBy);
    }

    /**
     * What streaming the guests wrote: the parts, rejected.csv (null when nothing was rejected), the counts, and the
     * households the guests written stand for (drift's certainty).
     */
    private record Streamed(
            String table,
            List<RunManifest.Part> parts,
            String rejectedKey,
            long rows,
            long rejected,
            long duplicates,
            double households,
            long carriedOver) {
        List<String> partKeys() {
            return parts.stream().map(RunManifest.Part::key).toList();
        }
    }

    /**
     * Streams the current guests, in one read-only transaction, through the encoder into the parts and rejected.csv,
     * and finishes both.
     */
    private Streamed writeParts(Connection connection, RunId runId, RunModel model, boolean full, Deadline deadline)
            throws SQLException, IOException {
        GuestFeatures features = model.features();
        connection.setAutoCommit(false);
        try (WrangledParts parts = new WrangledParts(
                        store, bucket, runId, partRows, model.spec().featureNames(), model.metadata());
                RejectedRows rejected = new RejectedRows(store, bucket, RunKeys.rejectedKey(runId), model.metadata())) {
            TransactionSettings.apply(connection, deadline);
            GuestKeyColumns columns = GuestKeyColumns.read(connection, guestsTable);
            String table = columns.table();
            DuplicateKeys keys = new DuplicateKeys(parts, rejected, model.spec().size(), model.drift());
            boolean household = model.spec().unit() == FeatureSpec.Unit.HOUSEHOLD;
            boolean predictionColumn = columns.hasPredictionColumn();
            // After the input columns: the guests table's prediction, a household specification's members
            // (FeatureQuery.HOUSEHOLD_ROWS), then what the guest's prediction was made from.
            int members = features.inputColumns().size() + (predictionColumn ? 1 : 0);
            int storedHash = members + (household ? 1 : 0);
            int storedMadeBy = storedHash + 1;
            int appHasOurs = storedHash + 2;
            int width = storedHash + 3;
            FeatureRowHash hash = new FeatureRowHash();
            CopyCsvParser parser = new CopyCsvParser(width, (row, number) -> {
                if (number % ROWS_PER_TIME_CHECK == 0) {
                    deadline.check("reading the current guests of " + guestsTable);
                }
                GuestKey key;
                try {
                    key = features.encode(row, keys.buffer());
                } catch (RejectedRowException e) {
                    rejected.add(number, row[0], row[1], e.reason());
                    return;
                }
                boolean needed = full
                        || row[storedHash] == null
                        || !"t".equals(row[appHasOurs])
                        || !row[storedMadeBy].equals(model.madeBy())
                        || hash.of(keys.buffer()) != Long.parseLong(row[storedHash]);
                keys.add(key, number, row[0], row[1], household ? 1.0 / Long.parseLong(row[members]) : 1, needed);
            });
            copyOut(
                    connection,
                    copyCurrentGuests(guestsTable, guestPredictionsTable, model.spec(), predictionColumn),
                    parser);
            parser.finish();
            keys.finish();
            double households = model.drift() == null
                    ? 0
                    : household ? model.drift().weight() : model.drift().rows() / (double) largestHousehold(connection);
            connection.commit();
            List<RunManifest.Part> written = parts.finish();
            String rejectedKey = rejected.finish();
            return new Streamed(
                    table,
                    written,
                    rejectedKey,
                    parts.rows(),
                    rejected.count(),
                    keys.duplicates(),
                    households,
                    keys.carriedOver());
        } catch (SQLException | IOException | RuntimeException | Error e) {
            rollback(connection, e);
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * The most current guests of one household, read in the wrangle's transaction. Under a guest specification a
     * feature a household shares (its size) moves its members' shares together, so the guests count as this many
     * times fewer draws: counting them as households would understate the noise a few large households make.
     */
    private long largestHousehold(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(FeatureQuery.largestCurrentHousehold(guestsTable))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Writes the run's manifest, after its last part; answers its key. */
    private String writeManifest(RunId runId, RunModel model, Streamed streamed) {
        RunManifest manifest = new RunManifest(
                runId.value(),
                model.spec().version(),
                streamed.parts(),
                streamed.rows(),
                streamed.rejected(),
                streamed.rejectedKey());
        String manifestKey = RunKeys.runManifestKey(runId);
        store.putBytes(bucket, manifestKey, manifest.toJson(), "application/json", model.metadata());
        return manifestKey;
    }

    /** What the run's row keeps under {@code details}. */
    private Map<String, Object> details(
            RunModel model, Streamed streamed, String manifestKey, Optional<FeatureDrift> drift, boolean full) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("table", streamed.table());
        details.put("bucket", bucket);
        details.put("manifest", manifestKey);
        // What update holds each predictions part to, and what a run's completion accounts for.
        details.put(RunLedger.MANIFEST_PARTS, streamed.parts());
        details.put("rejected", streamed.rejected());
        details.put("duplicateKeys", streamed.duplicates());
        details.put("unknownValues", model.features().unknownValueCounts());
        details.put("featureSpecVersion", model.spec().version());
        details.put(RunLedger.CARRIED_OVER, streamed.carriedOver());
        details.put(RunLedger.FULL, full);
        drift.ifPresent(
                d -> details.put("drift", d.details(model.model().key(), streamed.rows() + streamed.carriedOver())));
        return details;
    }

    private Summary summary(
            RunLedger.Start start,
            String status,
            RunModel model,
            Streamed streamed,
            String manifestKey,
            Optional<FeatureDrift> drift,
            boolean full,
            long startedNanos) {
        return new Summary(
                STEP,
                start.runId().value(),
                status,
                start.startedAt(),
                bucket,
                streamed.rows(),
                streamed.partKeys(),
                streamed.rejected(),
                streamed.duplicates(),
                streamed.rejectedKey(),
                manifestKey,
                model.features().unknownValueCounts(),
                model.spec().version(),
                elapsedMillis(startedNanos),
                message(streamed, full),
                drift.map(FeatureDrift::maxFeaturePsi).orElse(null),
                drift.map(d -> List.copyOf(d.drifted().keySet())).orElse(List.of()),
                streamed.carriedOver(),
                full);
    }

    /** The run in the log: what it wrote, and a warning for drifted features and for rejected rows. */
    private void logRun(Summary summary, Streamed streamed, Optional<FeatureDrift> drift) {
        String runId = summary.runId();
        LOG.info(
                "run {}: {} from {} in {} ms; unknown values per column: {}",
                runId,
                summary.message(),
                streamed.table(),
                summary.durationMs(),
                summary.unknownValues());
        drift.filter(d -> !d.drifted().isEmpty())
                .ifPresent(d -> LOG.warn(
                        "run {}: {} of {} features shifted from the model's training rows over {} households"
                                + " of {} night(s) (corrected p below {}, PSI at least {}): PSI {}",
                        runId,
                        d.drifted().size(),
                        d.psi().size(),
                        Math.round(d.assessment().households()),
                        d.nights(),
                        DriftAssessment.ALPHA,
                        DriftAssessment.EFFECT_FLOOR,
                        d.drifted()));
        if (streamed.rejected() > 0) {
            LOG.warn(
                    "run {}: rejected {} rows of {} ({} for a duplicate key), see s3://{}/{}",
                    runId,
                    streamed.rejected(),
                    streamed.table(),
                    streamed.duplicates(),
                    bucket,
                    streamed.rejectedKey());
        }
    }

    /** A failed run started again: what its earlier attempt wrote goes first, so no part of it outlives the re-run. */
    private void removeEarlierAttempt(RunId runId) {
        int removed = 0;
        for (String key : store.list(bucket, RunKeys.wrangledRunPrefix(runId))) {
            store.delete(bucket, key);
            removed++;
        }
        for (String key : store.list(predictionsBucket, RunKeys.predictionsRunPrefix(runId))) {
            store.delete(predictionsBucket, key);
            removed++;
        }
        LOG.warn("run {}: removed {} objects of its earlier, failed attempt", runId, removed);
    }

    private Summary nothingToDo(RunId runId, long startedNanos) {
        return new Summary(
                STEP,
                runId.value(),
                NOTHING_TO_DO,
                null,
                bucket,
                0,
                List.of(),
                0,
                0,
                null,
                null,
                Map.of(),
                null,
                elapsedMillis(startedNanos),
                "run " + runId + " of this schedule was started by another delivery: nothing to do",
                null,
                List.of(),
                0,
                false);
    }

    /**
     * Streams the COPY's output into the parser, a server message (a row) at a time. When the parser or an upload
     * fails, the rest of the COPY is read off unparsed before the failure is passed on: the pooled connection is
     * then ready for its next query. (Cancelling the COPY instead would leave the server's remaining messages
     * unread, or, sent just as the COPY ends, cancel the connection's next query.) Out of time, the COPY is cancelled
     * instead: there is no time to read the rest.
     */
    private static void copyOut(Connection connection, String copy, CopyCsvParser parser)
            throws SQLException, IOException {
        CopyOut stream;
        try {
            stream = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy);
        } catch (SQLException e) {
            throw readFailure(e);
        }
        byte[] message;
        try {
            while ((message = stream.readFromCopy()) != null) {
                parser.feed(message, 0, message.length);
            }
        } catch (SQLException e) {
            throw readFailure(e);
        } catch (OutOfTimeException e) {
            try {
                stream.cancelCopy();
            } catch (SQLException cancelFailure) {
                e.addSuppressed(cancelFailure);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            try {
                while (stream.readFromCopy() != null) {
                    // Discarded: the run has failed.
                }
            } catch (SQLException drainFailure) {
                e.addSuppressed(drainFailure);
            }
            throw e;
        }
    }

    /** The server's error, said as a reading failure; a statement stopped by the deadline's timeouts says so. */
    private static SQLException readFailure(SQLException e) {
        String what = TransactionSettings.timedOut(e)
                ? "reading the current guests ran out of time (the server stopped it: "
                : "reading the current guests failed: ";
        return new SQLException(
                what + e.getMessage() + (TransactionSettings.timedOut(e) ? ")" : ""), e.getSQLState(), e);
    }

    private static String message(Streamed streamed, boolean full) {
        String carried = full
                ? " (a full refresh)"
                : streamed.carriedOver() == 0
                        ? ""
                        : "; " + streamed.carriedOver() + " carried over (their prediction stands)";
        if (streamed.rows() == 0 && streamed.rejected() == 0 && streamed.carriedOver() > 0) {
            return "no current guest needs a new prediction: no parts written" + carried;
        }
        return message(streamed.rows(), streamed.partKeys().size(), streamed.rejected(), streamed.duplicates())
                + carried;
    }

    private static String message(long rows, int parts, long rejected, long duplicates) {
        String rejectedNote = rejected == 0
                ? ""
                : "; " + rejected + " rejected for a missing, malformed or duplicate key"
                        + (duplicates == 0 ? "" : " (" + duplicates + " duplicate)") + " (see rejected.csv)";
        if (rows == 0) {
            return (rejected == 0
                            ? "no current guests: no parts written"
                            : "no current guest could be wrangled: no parts written")
                    + rejectedNote;
        }
        return "wrangled " + rows + " current guests into " + parts + (parts == 1 ? " part" : " parts") + rejectedNote;
    }

    /** Records the run failed, on the run's connection or, when that one is broken, on another. */
    private void recordFailure(Connection connection, RunId runId, Throwable failure) {
        String reason = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        LOG.warn("run {} failed: {}", runId, reason);
        try {
            ledger.failed(connection, runId, reason);
            return;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("recording the failure on the run's connection failed, trying another", e);
        }
        try (Connection other = dataSource.getConnection()) {
            ledger.failed(other, runId, reason);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void release(Connection connection, RunId runId) {
        try {
            ledger.release(connection, runId);
        } catch (SQLException e) {
            // A broken connection has lost its session, and the lock with it.
            LOG.debug("could not release the lock of run {}: {}", runId, e.getMessage());
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
