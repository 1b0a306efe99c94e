package org.hmis.predictions.update;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.db.AdvisoryLockKey;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.GuestKeyColumns;
import org.hmis.predictions.common.db.RunClassMix;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.db.TransactionSettings;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectNotFoundException;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Applies one predictions part in one transaction: the part is streamed from S3 through the CSV checks into a
 * temporary table with {@code COPY}; then one statement writes each guest's row of the guest predictions table
 * ({@code GUEST_PREDICTIONS_TABLE}) and, from the rows it wrote, {@code predicted_exit_destination} of the current
 * guests; and the part is recorded in the run's ledger ({@link RunLedger}). A bad line, a lost connection, a timeout or any other
 * failure rolls everything back.
 *
 * <p>Freshness is per guest: a part overwrites a guest only when its run started (the database's clock, recorded by
 * wrangle) after the run that wrote the guest's current row, or is that same run; a guest a newer run already wrote
 * is counted {@code stale} and left alone, and nothing else about a newer run holds an older one back. Guards, each
 * counted: a guest who left since the wrangle keeps {@code exited}, a key that matches no guest is counted
 * {@code unmatched} (a part none of whose keys match fails: it was meant for another table), an unchanged value is
 * not rewritten. Keys match by the key date rule of {@link GuestKeyColumns}.
 *
 * <p>Updates of one table are serialized by a transaction-scoped advisory lock. Under it, a part already applied
 * with the same content (its ETag) is reported {@value #ALREADY_APPLIED} and left alone (S3 delivers events at least
 * once); a part rewritten under the same key since (predicted again) is applied again, its new content subject to
 * the same freshness rule. After recording its part, the update marks the run complete when it was the last part of
 * the run's manifest to be applied, ranks its current guests by risk and records its class mix
 * ({@link RunLedger#partApplied}). Every statement runs within the invocation's {@link Deadline}.
 */
public final class UpdateDbStep {
    public static final String STEP = RunLedger.UPDATE_STEP;
    private static final String COLUMN = ExitDestinationClasses.PREDICTION_COLUMN;
    public static final String APPLIED = RunLedger.APPLIED;
    public static final String ALREADY_APPLIED = "already-applied";

    private static final Logger LOG = LoggerFactory.getLogger(UpdateDbStep.class);
    /** The part's rows, in a temporary table dropped at the end of the transaction. */
    private static final String PART_TABLE_NAME = "update_part";

    private static final String PART_TABLE = "pg_temp." + PART_TABLE_NAME;
    /** The keys and feature row hashes of the wrangled part the part was predicted from ({@link PartInputs}). */
    private static final String INPUTS_TABLE_NAME = "update_inputs";

    private static final String INPUTS_TABLE = "pg_temp." + INPUTS_TABLE_NAME;

    private final DataSource dataSource;
    private final SqlIdentifier guestsTable;
    private final SqlIdentifier guestPredictionsTable;
    private final ObjectStore store;
    private final String wrangledBucket;
    private final RunLedger ledger;

    /** @param store where predictions parts are read, and the wrangled parts they came from in the same bucket */
    public UpdateDbStep(
            DataSource dataSource, SqlIdentifier guestsTable, SqlIdentifier guestPredictionsTable, ObjectStore store) {
        this(dataSource, guestsTable, guestPredictionsTable, store, null);
    }

    /**
     * @param wrangledBucket where the wrangled parts are (what each prediction was made from, recorded with it); null
     *     for the predictions part's own bucket
     */
    public UpdateDbStep(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            ObjectStore store,
            String wrangledBucket) {
        this.dataSource = dataSource;
        this.guestsTable = guestsTable;
        this.guestPredictionsTable = guestPredictionsTable;
        this.store = store;
        this.wrangledBucket = wrangledBucket;
        this.ledger = new RunLedger(guestsTable, guestPredictionsTable);
    }

    /** The step as the function, the local runner and the benchmarks build it. */
    public static UpdateDbStep from(PipelineConfig config, Database database, ObjectStore store) {
        return new UpdateDbStep(
                database.dataSource(),
                config.guestsTable(),
                config.guestPredictionsTable(),
                store,
                config.storage().inputBucket());
    }

    /**
     * Why rows of a part were not written to the guests table: the guest has left, no guest has the key, the value
     * is the same already, or a run that started later already wrote the guest.
     */
    public record Skipped(long exited, long unmatched, long unchanged, long stale) {
        static final Skipped NONE = new Skipped(0, 0, 0, 0);
    }

    /**
     * What applying a part did. {@code status} is {@value #APPLIED} or {@value #ALREADY_APPLIED}; {@code applied}
     * counts guests whose prediction changed, {@code fresh} the guests whose guest predictions row the part wrote;
     * {@code runStatus} is the run's lifecycle status after this part ({@code complete} when it was the last);
     * {@code completedRun} is the run's class mix when this part completed the run, else null.
     */
    public record Summary(
            String step,
            String runId,
            String part,
            String status,
            long rows,
            long fresh,
            long applied,
            Skipped skipped,
            String model,
            String runStatus,
            String message,
            long durationMs,
            RunClassMix completedRun) {}

    /** A part that was not applied, and why; its transaction was rolled back. */
    public record Failed(String part, String error) {}

    /** What an invocation did: one summary per applied part, in the order given, and the parts that failed. */
    public record Result(String step, List<Summary> parts, List<Failed> failed) {}

    /**
     * What is known of a part besides its rows: the model that made it (name, ETag and S3 version id, null when the
     * bucket is not versioned), the identity of its content, the version of its columns
     * ({@link PredictionsCsv#FORMATS}; null to judge by the header) and the wrangled part it was predicted from.
     */
    public record PartOrigin(
            String model, String modelEtag, String contentId, String modelVersion, String format, Lineage lineage) {}

    /**
     * The wrangled part a predictions part was predicted from, as predict names it in the part's metadata: its key,
     * its ETag then and its rows, and the rows of the predictions part itself. A part is applied only when it holds
     * those rows and came from its own run's wrangled part of the same number, as the run's manifest lists it.
     */
    public record Lineage(String sourcePart, String sourceEtag, long sourceRows, long rows) {
        /** The lineage an object's metadata names; a part without it cannot show it is whole, and is refused. */
        static Lineage of(Map<String, String> metadata, String source) {
            return new Lineage(
                    required(metadata, ObjectMetadata.SOURCE_PART, source),
                    required(metadata, ObjectMetadata.SOURCE_ETAG, source),
                    count(metadata, ObjectMetadata.SOURCE_ROWS, source),
                    count(metadata, ObjectMetadata.ROWS, source));
        }

        private static String required(Map<String, String> metadata, String name, String source) {
            String value = metadata.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(source + " has no metadata " + name + ": a predictions part names the"
                        + " wrangled part it came from, so that it can be checked whole; deploy the predict step that"
                        + " goes with this update step and predict the part again");
            }
            return value;
        }

        private static long count(Map<String, String> metadata, String name, String source) {
            String value = required(metadata, name, source);
            try {
                long rows = Long.parseLong(value);
                if (rows >= 0) {
                    return rows;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new IllegalStateException(source + " has metadata " + name + " '" + value + "', not a row count");
        }

        /**
         * Refuses a part that does not hold the rows its metadata says (one cut at a line boundary reads well row
         * by row) or that names another run's or another number's wrangled part.
         */
        void check(RunKeys.Part part, long rowsRead, String source) {
            String expected = RunKeys.wrangledPart(part.runId(), part.number()).key();
            if (!sourcePart.equals(expected)) {
                throw new IllegalStateException(source + " was predicted from " + sourcePart + ", not from " + expected
                        + ": a predictions part belongs to its own run's wrangled part of the same number");
            }
            if (rowsRead != rows || rowsRead != sourceRows) {
                throw new IllegalStateException(source + " holds " + rowsRead + " rows, but its metadata says "
                        + ObjectMetadata.ROWS + " " + rows + " and " + ObjectMetadata.SOURCE_ROWS + " " + sourceRows
                        + ": the part is not whole; predict it again");
            }
        }
    }

    /** {@link #run(List, Deadline)} without a deadline. */
    public Result run(List<ObjectRef> objects) {
        return run(objects, Deadline.NONE);
    }

    /**
     * Applies every part among {@code objects}, each in its own transaction. Every part is tried; if any failed,
     * an {@link UpdateFailedException} names each after the others are applied, so the invocation fails (and
     * Lambda's retry or the dead-letter queue sees it) while the good parts are not held back; on a retry they
     * report {@value #ALREADY_APPLIED}.
     */
    public Result run(List<ObjectRef> objects, Deadline deadline) {
        List<Summary> parts = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        for (ObjectRef object : objects) {
            try {
                parts.add(apply(object, deadline));
            } catch (SQLException | RuntimeException e) {
                failed.add(new Failed(object.toString(), e.getMessage()));
            }
        }
        Result result = new Result(STEP, parts, failed);
        if (!failed.isEmpty()) {
            LOG.warn("{} of {} predictions parts failed: {}", failed.size(), objects.size(), failed);
            throw new UpdateFailedException(result);
        }
        return result;
    }

    /** Applies the predictions part at {@code object} without a deadline. */
    public Summary apply(ObjectRef object) throws SQLException {
        return apply(object, Deadline.NONE);
    }

    /** Applies the predictions part at {@code object}, streamed from the store, within {@code deadline}. */
    public Summary apply(ObjectRef object, Deadline deadline) throws SQLException {
        Instant started = Instant.now();
        RunKeys.Part part = RunKeys.requirePart(object.key(), RunKeys.Stage.PREDICTIONS);
        deadline.check("applying " + object);
        ResponseInputStream<GetObjectResponse> in = store.open(object.bucket(), object.key());
        ResponseInputStream<GetObjectResponse> wrangled = null;
        boolean complete = false;
        try {
            GetObjectResponse response = in.response();
            PartOrigin origin = new PartOrigin(
                    response.metadata().get(ObjectMetadata.MODEL),
                    response.metadata().get(ObjectMetadata.MODEL_ETAG),
                    unquote(response.eTag()),
                    response.metadata().get(ObjectMetadata.MODEL_VERSION),
                    response.metadata().get(ObjectMetadata.PREDICTIONS_FORMAT),
                    Lineage.of(response.metadata(), object.toString()));
            wrangled = openWrangled(object, origin.lineage());
            PartInputs inputs = wrangled == null
                    ? null
                    : new PartInputs(
                            wrangled.response().metadata().get(ObjectMetadata.FEATURE_SPEC_VERSION),
                            wrangled,
                            "s3://" + wrangledBucket(object) + "/"
                                    + origin.lineage().sourcePart());
            Summary summary = apply(
                    part,
                    origin,
                    new InputStreamReader(in, StandardCharsets.UTF_8),
                    inputs,
                    object.toString(),
                    started,
                    deadline);
            complete = true;
            return summary;
        } finally {
            close(in, complete, object.toString());
            if (wrangled != null) {
                close(wrangled, complete, origin(object));
            }
        }
    }

    private static String origin(ObjectRef object) {
        return "the wrangled part of " + object;
    }

    private static void close(ResponseInputStream<GetObjectResponse> in, boolean complete, String what) {
        if (!complete) {
            // Do not read the rest of a refused object just to close the connection cleanly.
            in.abort();
        }
        try {
            in.close();
        } catch (IOException e) {
            LOG.warn("could not close {}: {}", what, e.toString());
        }
    }

    private String wrangledBucket(ObjectRef object) {
        return wrangledBucket == null ? object.bucket() : wrangledBucket;
    }

    /**
     * The wrangled part the predictions came from, as predict read it (the ETag the lineage names); null when it is
     * gone (expired) or was rewritten since: the predictions are applied all the same, with no record of what they
     * were made from, so the next run predicts those guests again.
     */
    private ResponseInputStream<GetObjectResponse> openWrangled(ObjectRef object, Lineage lineage) {
        String bucket = wrangledBucket(object);
        ResponseInputStream<GetObjectResponse> wrangled;
        try {
            wrangled = store.open(bucket, lineage.sourcePart());
        } catch (ObjectNotFoundException e) {
            LOG.warn(
                    "{}: s3://{}/{} is gone: its predictions are applied without their inputs and are made again at"
                            + " the next run",
                    object,
                    bucket,
                    lineage.sourcePart());
            return null;
        }
        if (!lineage.sourceEtag().equals(unquote(wrangled.response().eTag()))) {
            LOG.warn(
                    "{}: s3://{}/{} was rewritten since it was predicted (ETag {} then, {} now): its predictions are"
                            + " applied without their inputs and are made again at the next run",
                    object,
                    bucket,
                    lineage.sourcePart(),
                    lineage.sourceEtag(),
                    unquote(wrangled.response().eTag()));
            close(wrangled, false, origin(object));
            return null;
        }
        return wrangled;
    }

    /**
     * Applies a predictions part read from {@code predictions} (the same work as {@link #apply(ObjectRef)} once
     * the object is open); {@code source} names it in messages. {@code origin}'s content id tells a re-delivery
     * (the same id) from new content under the same key; null treats any recorded part as the same.
     */
    public Summary apply(RunKeys.Part part, PartOrigin origin, Reader predictions, String source, Deadline deadline)
            throws SQLException {
        return apply(part, origin, predictions, null, source, Instant.now(), deadline);
    }

    private Summary apply(
            RunKeys.Part part,
            PartOrigin origin,
            Reader predictions,
            PartInputs inputs,
            String source,
            Instant started,
            Deadline deadline)
            throws SQLException {
        if (part.stage() != RunKeys.Stage.PREDICTIONS) {
            throw new IllegalArgumentException(part.key() + " is not a predictions part");
        }
        String runId = part.runId().value();
        try (Connection c = dataSource.getConnection()) {
            ledger.seen(c, part.runId(), RunLedger.UPDATE_STEP, part.key(), deadline);
            c.setAutoCommit(false);
            try {
                Summary summary = applyInTransaction(c, part, origin, predictions, inputs, source, started, deadline);
                c.commit();
                LOG.info(
                        "{}: {} of {} rows applied to {} ({}), {} fresh, skipped {} in {} ms; run {} is {}",
                        part.key(),
                        summary.applied(),
                        summary.rows(),
                        guestsTable,
                        summary.status(),
                        summary.fresh(),
                        summary.skipped(),
                        summary.durationMs(),
                        runId,
                        summary.runStatus());
                if (summary.skipped().stale() > 0 || summary.skipped().unmatched() > 0) {
                    LOG.warn(
                            "run {}: {} left {} guests stale (a run that started later wrote them) and {} keys"
                                    + " unmatched",
                            runId,
                            part.key(),
                            summary.skipped().stale(),
                            summary.skipped().unmatched());
                }
                return summary;
            } catch (SQLException e) {
                rollback(c, e);
                SQLException said = TransactionSettings.timedOut(e)
                        ? new SQLException(
                                part.key() + " ran out of time (the server stopped it: " + e.getMessage() + ")",
                                e.getSQLState(),
                                e)
                        : e;
                LOG.warn("run {}: {} failed, nothing applied: {}", runId, part.key(), said.getMessage());
                throw said;
            } catch (RuntimeException e) {
                rollback(c, e);
                LOG.warn("run {}: {} failed, nothing applied: {}", runId, part.key(), e.getMessage());
                throw e;
            }
        }
    }

    private Summary applyInTransaction(
            Connection c,
            RunKeys.Part part,
            PartOrigin origin,
            Reader predictions,
            PartInputs inputs,
            String source,
            Instant started,
            Deadline deadline)
            throws SQLException {
        TransactionSettings.apply(c, deadline);
        GuestKeyColumns keys = guestKeys(c);
        Copied copied = copyPart(c, origin, predictions, source);
        origin.lineage().check(part, copied.rows(), source);
        String specVersion = copyInputs(c, inputs, copied.rows());
        lockTable(c, keys, deadline);
        Optional<Summary> again = alreadyApplied(c, part, origin, keys, copied.rows(), started);
        if (again.isPresent()) {
            return again.get();
        }
        RunLedger.State run = runOf(c, part);
        ledger.checkListed(c, part, origin.lineage().sourceEtag(), copied.rows(), source);
        Written written = write(c, part, origin, specVersion, keys, run, copied.rows(), deadline);
        return record(c, part, origin, keys, run, copied, written, started);
    }

    /** The guests table's key columns; the table must have the prediction column remove adds. */
    private GuestKeyColumns guestKeys(Connection c) throws SQLException {
        GuestKeyColumns keys = GuestKeyColumns.read(c, guestsTable);
        if (!keys.hasPredictionColumn()) {
            throw new IllegalStateException("the guests table " + keys.table() + " has no " + COLUMN
                    + " column; remove-exited-predictions adds it");
        }
        return keys;
    }

    /** The part's rows, checked, in the temporary table, and how long that took. */
    private record Copied(long rows, long copyMs) {}

    /** Streams the part through the CSV checks into the temporary table. */
    private static Copied copyPart(Connection c, PartOrigin origin, Reader predictions, String source)
            throws SQLException {
        try (Statement st = c.createStatement()) {
            // The statements are big joins planned once; compiling them would only add start-up time.
            st.execute("SET LOCAL jit = off");
            st.execute("CREATE TEMPORARY TABLE " + PART_TABLE_NAME + " (personal_id bigint NOT NULL,"
                    + " enroll_date date NOT NULL, cls text NOT NULL, p_es float8 NOT NULL, p_other float8 NOT NULL,"
                    + " p_perm float8 NOT NULL, p_temp float8 NOT NULL, p_unknown float8 NOT NULL,"
                    + " risk float8 NOT NULL, reasons jsonb) ON COMMIT DROP");
        }
        long copyStart = System.nanoTime();
        long rows;
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(predictions, source, origin.format())) {
            rows = PredictionsCopy.copy(c.unwrap(PGConnection.class).getCopyAPI(), PART_TABLE, reader, source);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException(
                    "could not read " + source + ": " + e.getCause().getMessage(), e.getCause());
        }
        return new Copied(rows, (System.nanoTime() - copyStart) / 1_000_000);
    }

    /**
     * Copies the keys and feature row hashes of the wrangled part into their temporary table (left empty without
     * one); answers the part's specification, or null when its inputs are not known. A wrangled part of other rows
     * than the predictions part's is refused.
     */
    private static String copyInputs(Connection c, PartInputs inputs, long rows) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMPORARY TABLE " + INPUTS_TABLE_NAME + " (personal_id bigint NOT NULL,"
                    + " enroll_date date NOT NULL, feature_hash bigint NOT NULL) ON COMMIT DROP");
        }
        if (inputs == null) {
            return null;
        }
        long read = inputs.copy(c.unwrap(PGConnection.class).getCopyAPI(), INPUTS_TABLE);
        if (read != rows) {
            throw new IllegalStateException(inputs.source() + " holds " + read + " rows, but its predictions " + rows
                    + ": not the part they" + " were predicted from");
        }
        return inputs.featureSpecVersion();
    }

    /** From here on one update of this table at a time; the checks after see every update committed before. */
    private static void lockTable(Connection c, GuestKeyColumns keys, Deadline deadline) throws SQLException {
        TransactionSettings.apply(c, deadline);
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, lockKey(keys.table()));
            ps.executeQuery().close();
        }
    }

    /**
     * The summary of a re-delivery: the part was applied with the same content before. Empty when it was not applied,
     * or was rewritten under the same key since (then its new content is applied).
     */
    private Optional<Summary> alreadyApplied(
            Connection c, RunKeys.Part part, PartOrigin origin, GuestKeyColumns keys, long rows, Instant started)
            throws SQLException {
        Optional<RunLedger.AppliedBefore> before = ledger.appliedBefore(c, part);
        if (before.isEmpty()) {
            return Optional.empty();
        }
        String runId = part.runId().value();
        if (!before.get().sameContent(origin.contentId())) {
            LOG.warn(
                    "run {}: {} was rewritten since it was applied (ETag {} then, {} now): applying its new content",
                    runId,
                    part.key(),
                    before.get().contentId(),
                    origin.contentId());
            return Optional.empty();
        }
        return Optional.of(new Summary(
                STEP,
                runId,
                part.key(),
                ALREADY_APPLIED,
                rows,
                0,
                0,
                Skipped.NONE,
                origin.model(),
                ledger.run(c, part.runId()).map(RunLedger.State::status).orElse(null),
                part.key() + " was already applied to " + keys.table() + "; nothing changed",
                elapsed(started),
                null));
    }

    /** The part's run as wrangle started it: its start orders the part's predictions against other runs'. */
    private RunLedger.State runOf(Connection c, RunKeys.Part part) throws SQLException {
        return ledger.run(c, part.runId())
                .orElseThrow(() -> new IllegalStateException("run " + part.runId() + " of " + part.key()
                        + " has no record in " + RunLedger.TABLE + ": only a run a wrangle started has a start"
                        + " to order its predictions by"));
    }

    /** What the write did: guest predictions rows written, guests whose prediction changed, why the rest did not. */
    private record Written(long fresh, long applied, Skipped skipped, long updateMs) {}

    /** The one write, then the count of what it skipped; a part none of whose keys matches a guest fails. */
    private Written write(
            Connection c,
            RunKeys.Part part,
            PartOrigin origin,
            String specVersion,
            GuestKeyColumns keys,
            RunLedger.State run,
            long rows,
            Deadline deadline)
            throws SQLException {
        String runId = part.runId().value();
        long updateStart = System.nanoTime();
        TransactionSettings.apply(c, deadline);
        long fresh;
        long applied;
        try (PreparedStatement ps = c.prepareStatement(writeSql(keys))) {
            ps.setString(1, runId);
            ps.setObject(2, OffsetDateTime.ofInstant(run.startedAt(), ZoneOffset.UTC));
            ps.setString(3, origin.model());
            ps.setString(4, origin.modelEtag());
            ps.setString(5, specVersion);
            ps.setString(6, origin.modelVersion());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                fresh = rs.getLong(1);
                applied = rs.getLong(2);
            }
        }
        Skipped skipped =
                applied == rows ? Skipped.NONE : skipped(c, keys, runId, run.startedAt(), rows, fresh, applied);
        if (rows > 0 && skipped.unmatched() == rows) {
            throw new IllegalStateException("none of the " + rows + " keys of " + part.key() + " matches a guest of "
                    + keys.table() + ": is " + PipelineConfig.GUESTS_TABLE + " the table run " + runId + " read?");
        }
        return new Written(fresh, applied, skipped, (System.nanoTime() - updateStart) / 1_000_000);
    }

    /** Records the part applied in the run's ledger (which completes the run when it was the last) and sums it up. */
    private Summary record(
            Connection c,
            RunKeys.Part part,
            PartOrigin origin,
            GuestKeyColumns keys,
            RunLedger.State run,
            Copied copied,
            Written written,
            Instant started)
            throws SQLException {
        long rows = copied.rows();
        Instant finished = Instant.now();
        Map<String, Object> details =
                details(keys.table(), rows, written.fresh(), written.skipped(), origin.modelEtag());
        details.put(RunLedger.SOURCE_PART, origin.lineage().sourcePart());
        details.put(RunLedger.SOURCE_ETAG, origin.lineage().sourceEtag());
        details.put("copyMs", copied.copyMs());
        details.put("updateMs", written.updateMs());
        details.put("durationMs", Duration.between(started, finished).toMillis());
        Optional<RunClassMix> completedRun = ledger.partApplied(
                c,
                new RunLedger.AppliedPart(
                        part,
                        started,
                        finished,
                        written.applied(),
                        origin.model(),
                        origin.contentId(),
                        origin.modelVersion(),
                        details));
        LOG.info(
                "{}: copied and checked {} rows in {} ms, updated in {} ms",
                part.key(),
                rows,
                copied.copyMs(),
                written.updateMs());
        return new Summary(
                STEP,
                part.runId().value(),
                part.key(),
                APPLIED,
                rows,
                written.fresh(),
                written.applied(),
                written.skipped(),
                origin.model(),
                completedRun.isPresent() ? RunLedger.COMPLETE : run.status(),
                written.applied() + " of " + rows + " predictions written to " + keys.table(),
                Duration.between(started, finished).toMillis(),
                completedRun.orElse(null));
    }

    /**
     * The one write. {@code written}: the part's rows whose guest predictions row is absent, older (its run started
     * before this part's run) or this run's own, upserted; then {@code changed}: the current guests among them whose
     * prediction differs, updated. Answers both counts. Parameters: run id, run start, model, model ETag, feature
     * specification, model version; each row records its feature row's hash, with the specification, when the
     * wrangled part was read, else neither. The guests
     * table is read once, by the update; a row of a guest who left since the wrangle (or of no guest) is kept in the
     * guest predictions table all the same, and the guests table's column is left as it is.
     */
    private String writeSql(GuestKeyColumns keys) {
        String guests = guestsTable.quoted();
        String own = guestPredictionsTable.quoted();
        return "WITH written AS (INSERT INTO " + own + " AS h (personal_id, enroll_date, run_id, run_started_at,"
                + " model, model_etag, predicted_exit_destination, p_es, p_other, p_perm, p_temp, p_unknown, risk,"
                + " reasons, updated_at, feature_spec_version, feature_hash, model_version)"
                + " SELECT t.personal_id, t.enroll_date, ?, ?, ?, ?, t.cls, t.p_es, t.p_other, t.p_perm, t.p_temp,"
                + " t.p_unknown, t.risk, t.reasons, clock_timestamp(),"
                + " CASE WHEN i.feature_hash IS NULL THEN NULL ELSE ?::text END, i.feature_hash, ? FROM " + PART_TABLE
                + " t LEFT JOIN " + INPUTS_TABLE
                + " i ON i.personal_id = t.personal_id AND i.enroll_date = t.enroll_date"
                + " ON CONFLICT (personal_id, enroll_date) DO UPDATE SET run_id = EXCLUDED.run_id,"
                + " run_started_at = EXCLUDED.run_started_at, model = EXCLUDED.model,"
                + " model_etag = EXCLUDED.model_etag, predicted_exit_destination = EXCLUDED.predicted_exit_destination,"
                + " p_es = EXCLUDED.p_es, p_other = EXCLUDED.p_other, p_perm = EXCLUDED.p_perm,"
                + " p_temp = EXCLUDED.p_temp, p_unknown = EXCLUDED.p_unknown, risk = EXCLUDED.risk,"
                + " reasons = EXCLUDED.reasons, updated_at = EXCLUDED.updated_at,"
                + " feature_spec_version = EXCLUDED.feature_spec_version, feature_hash = EXCLUDED.feature_hash,"
                + " model_version = EXCLUDED.model_version"
                + " WHERE (h.run_started_at, h.run_id) <= (EXCLUDED.run_started_at, EXCLUDED.run_id)"
                + " RETURNING h.personal_id, h.enroll_date, h.predicted_exit_destination),"
                + " changed AS (UPDATE " + guests + " g SET " + COLUMN + " = w.predicted_exit_destination"
                + " FROM written w WHERE " + keys.keyMatch("g", "w") + " AND g.exit_date IS NULL"
                + " AND g." + COLUMN + " IS DISTINCT FROM w.predicted_exit_destination RETURNING 1)"
                + " SELECT (SELECT count(*) FROM written), (SELECT count(*) FROM changed)";
    }

    /**
     * Sorts the rows the write did not apply by reason: stale (a run that started later wrote the guest's row),
     * then, of the rows written, no guest with the key, no current guest with it, or the same value already. The
     * write changes only the prediction column and the guest predictions table, so who has exited and which keys
     * match no guest read the same after it. When every row was applied this query is not run at all.
     */
    private Skipped skipped(
            Connection c, GuestKeyColumns keys, String runId, Instant runStart, long rows, long fresh, long applied)
            throws SQLException {
        String guests = guestsTable.quoted();
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM "
                + guests + " g WHERE " + keys.keyMatch("g", "t") + ")),"
                + " count(*) FILTER (WHERE EXISTS (SELECT 1 FROM " + guests + " g WHERE " + keys.keyMatch("g", "t")
                + ") AND NOT EXISTS (SELECT 1 FROM " + guests + " g WHERE " + keys.keyMatch("g", "t")
                + " AND g.exit_date IS NULL))"
                + " FROM " + PART_TABLE + " t JOIN " + guestPredictionsTable.quoted() + " h"
                + " ON h.personal_id = t.personal_id AND h.enroll_date = t.enroll_date"
                + " AND h.run_id = ? AND h.run_started_at = ?")) {
            ps.setString(1, runId);
            ps.setObject(2, OffsetDateTime.ofInstant(runStart, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long unmatched = rs.getLong(1);
                long exited = rs.getLong(2);
                return new Skipped(exited, unmatched, fresh - applied - unmatched - exited, rows - fresh);
            }
        }
    }

    /** The advisory lock key of a table: the first 8 bytes of a SHA-256 of a fixed prefix and its qualified name. */
    static long lockKey(String qualifiedTable) {
        return AdvisoryLockKey.of("exit-destination-refresh/update/" + qualifiedTable);
    }

    private static Map<String, Object> details(String table, long rows, long fresh, Skipped skipped, String modelEtag) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("table", table);
        details.put(RunLedger.ROWS_IN_PART, rows);
        details.put("fresh", fresh);
        details.put(
                "skipped",
                Map.of(
                        "exited", skipped.exited(),
                        "unmatched", skipped.unmatched(),
                        "unchanged", skipped.unchanged(),
                        "stale", skipped.stale()));
        if (modelEtag != null) {
            details.put("modelEtag", modelEtag);
        }
        return details;
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    private static long elapsed(Instant started) {
        return Duration.between(started, Instant.now()).toMillis();
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // A terminated backend has already rolled back on the server; keep the original failure.
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "UpdateDbStep[" + guestsTable + " -> " + Objects.requireNonNull(guestPredictionsTable) + "]";
    }
}
