package org.hmis.predictions.update;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PredictionRuns;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.storage.ObjectMetadata;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.storage.RunKeys;
import org.hmis.predictions.common.trigger.ObjectRef;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Applies one predictions part to the guests table in one transaction: the part is streamed from S3
 * through the CSV checks into a temporary table with {@code COPY}, then one {@code UPDATE ... FROM} sets
 * {@code predicted_exit_destination} of the guests it names, and the part is recorded in
 * {@code prediction_runs}. A bad line, a lost connection or any other failure rolls everything back.
 *
 * <p>Guards, each counted: a guest who left since the wrangle keeps {@code exited} ({@code exit_date IS NULL}
 * is part of the update), a key that matches no guest is counted, an unchanged value is not rewritten.
 * Updates of one table are serialized by a transaction-scoped advisory lock; under it, a part already
 * applied is reported and left alone (S3 delivers events at least once), and a part of a run older than the
 * newest run already applied to the table is skipped whole, so an older run never overwrites a newer one.
 * Parts of one run apply independently, in any order.
 *
 * <p>The counts are exact for the table as the update found it. Only the intake app editing a guest at
 * that very moment (an exit recorded between the update and the count) can move one row between the
 * "unchanged" and "exited" counts; what is written is decided by the update alone.
 */
public final class UpdateDbStep {
    public static final String STEP = "update";
    private static final String COLUMN = ExitDestinationClasses.PREDICTION_COLUMN;
    public static final String APPLIED = "applied";
    public static final String ALREADY_APPLIED = "already-applied";
    public static final String STALE = "stale";
    /** How long to wait for another update of the table (or a guest's row lock) before giving up. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(UpdateDbStep.class);
    /** The part's rows, in a temporary table dropped at the end of the transaction. */
    private static final String PART_TABLE_NAME = "update_part";

    private static final String PART_TABLE = "pg_temp." + PART_TABLE_NAME;

    private final DataSource dataSource;
    private final SqlIdentifier guestsTable;
    private final ObjectStore store;
    private final Duration lockTimeout;

    /**
     * @param store where predictions parts are read
     * @param lockTimeout how long to wait for another update of the table before the part fails
     */
    public UpdateDbStep(DataSource dataSource, SqlIdentifier guestsTable, ObjectStore store, Duration lockTimeout) {
        this.dataSource = dataSource;
        this.guestsTable = guestsTable;
        this.store = store;
        this.lockTimeout = lockTimeout;
    }

    /** The step as the function, the local runner and the benchmarks build it. */
    public static UpdateDbStep from(PipelineConfig config, Database database, ObjectStore store) {
        return new UpdateDbStep(database.dataSource(), config.guestsTable(), store, DEFAULT_LOCK_TIMEOUT);
    }

    /** Why rows of a part were not written. */
    public record Skipped(long exited, long unmatched, long unchanged) {
        static final Skipped NONE = new Skipped(0, 0, 0);
    }

    /**
     * What applying a part did. {@code status} is {@value #APPLIED}, {@value #ALREADY_APPLIED} or
     * {@value #STALE}; {@code newerRun} is the run that made a stale part stale, else null.
     */
    public record Summary(
            String step,
            String runId,
            String part,
            String status,
            long rows,
            long applied,
            Skipped skipped,
            String model,
            String newerRun,
            String message,
            long durationMs) {}

    /** A part that was not applied, and why; its transaction was rolled back. */
    public record Failed(String part, String error) {}

    /** What an invocation did: one summary per applied part, in the order given, and the parts that failed. */
    public record Result(String step, List<Summary> parts, List<Failed> failed) {}

    /**
     * Applies every part among {@code objects}, each in its own transaction. Every part is tried; if any failed,
     * an {@link UpdateFailedException} names each after the others are applied, so the invocation fails (and
     * Lambda's retry or the dead-letter queue sees it) while the good parts are not held back; on a retry they
     * report {@value #ALREADY_APPLIED}.
     */
    public Result run(List<ObjectRef> objects) {
        List<Summary> parts = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        for (ObjectRef object : objects) {
            try {
                parts.add(apply(object));
            } catch (SQLException | RuntimeException e) {
                failed.add(new Failed(object.toString(), e.getMessage()));
            }
        }
        Result result = new Result(STEP, parts, failed);
        if (!failed.isEmpty()) {
            throw new UpdateFailedException(result);
        }
        return result;
    }

    /** Applies the predictions part at {@code object}, streamed from the store. */
    public Summary apply(ObjectRef object) throws SQLException {
        Instant started = Instant.now();
        RunKeys.Part part = RunKeys.requirePart(object.key(), RunKeys.Stage.PREDICTIONS);
        ResponseInputStream<GetObjectResponse> in = store.open(object.bucket(), object.key());
        boolean complete = false;
        try {
            String model = in.response().metadata().get(ObjectMetadata.MODEL);
            Summary summary =
                    apply(part, model, new InputStreamReader(in, StandardCharsets.UTF_8), object.toString(), started);
            complete = true;
            return summary;
        } finally {
            if (!complete) {
                // Do not read the rest of a refused object just to close the connection cleanly.
                in.abort();
            }
            try {
                in.close();
            } catch (IOException e) {
                LOG.warn("could not close {}: {}", object, e.toString());
            }
        }
    }

    /**
     * Applies a predictions part read from {@code predictions} (the same work as {@link #apply(ObjectRef)}
     * once the object is open); {@code source} names it in messages, {@code model} may be null.
     */
    public Summary apply(RunKeys.Part part, String model, Reader predictions, String source) throws SQLException {
        return apply(part, model, predictions, source, Instant.now());
    }

    private Summary apply(RunKeys.Part part, String model, Reader predictions, String source, Instant started)
            throws SQLException {
        if (part.stage() != RunKeys.Stage.PREDICTIONS) {
            throw new IllegalArgumentException(part.key() + " is not a predictions part");
        }
        String runId = part.runId().value();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Summary summary = applyInTransaction(c, part, model, predictions, source, started);
                c.commit();
                LOG.info(
                        "{}: {} of {} rows applied to {} ({}), skipped {} in {} ms",
                        part.key(),
                        summary.applied(),
                        summary.rows(),
                        guestsTable,
                        summary.status(),
                        summary.skipped(),
                        summary.durationMs());
                return summary;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                LOG.error("{} of run {} was not applied: {}", part.key(), runId, e.getMessage());
                throw e;
            }
        }
    }

    private Summary applyInTransaction(
            Connection c, RunKeys.Part part, String model, Reader predictions, String source, Instant started)
            throws SQLException {
        String runId = part.runId().value();
        String table = resolveTable(c);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            // The statements are big joins planned once; compiling them would only add start-up time.
            st.execute("SET LOCAL jit = off");
            st.execute(
                    "CREATE TEMPORARY TABLE " + PART_TABLE_NAME
                            + " (personal_id integer NOT NULL, enroll_date date NOT NULL, cls varchar NOT NULL) ON COMMIT DROP");
        }
        long copyStart = System.nanoTime();
        long rows;
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(predictions, source)) {
            rows = PredictionsCopy.copy(c.unwrap(PGConnection.class).getCopyAPI(), PART_TABLE, reader, source);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException(
                    "could not read " + source + ": " + e.getCause().getMessage(), e.getCause());
        }
        long copyMs = (System.nanoTime() - copyStart) / 1_000_000;

        // From here on one update of this table at a time; the checks below see every update committed before.
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, lockKey(table));
            ps.executeQuery().close();
        }

        if (PredictionRuns.status(c, runId, STEP, part.key())
                .filter(APPLIED::equals)
                .isPresent()) {
            return new Summary(
                    STEP,
                    runId,
                    part.key(),
                    ALREADY_APPLIED,
                    rows,
                    0,
                    Skipped.NONE,
                    model,
                    null,
                    part.key() + " was already applied to " + table + "; nothing changed",
                    elapsed(started));
        }
        Optional<String> newest = newestAppliedRun(c, table);
        if (newest.isPresent() && RunId.parse(newest.get()).compareTo(part.runId()) > 0) {
            Instant finished = Instant.now();
            PredictionRuns.record(
                    c,
                    new PredictionRuns.Entry(
                            runId,
                            STEP,
                            part.key(),
                            started,
                            finished,
                            0,
                            model,
                            STALE,
                            details(table, rows, Skipped.NONE, newest.get())));
            return new Summary(
                    STEP,
                    runId,
                    part.key(),
                    STALE,
                    rows,
                    0,
                    Skipped.NONE,
                    model,
                    newest.get(),
                    "run " + runId + " is older than run " + newest.get() + ", already applied to " + table + "; "
                            + part.key() + " was skipped",
                    Duration.between(started, finished).toMillis());
        }

        long updateStart = System.nanoTime();
        long applied;
        try (Statement st = c.createStatement()) {
            applied = st.executeLargeUpdate(updateSql());
        }
        Skipped skipped = applied == rows ? Skipped.NONE : skipped(c, rows - applied);
        Instant finished = Instant.now();
        Map<String, Object> details = details(table, rows, skipped, null);
        details.put("copyMs", copyMs);
        details.put("updateMs", (System.nanoTime() - updateStart) / 1_000_000);
        details.put("durationMs", Duration.between(started, finished).toMillis());
        PredictionRuns.record(
                c,
                new PredictionRuns.Entry(runId, STEP, part.key(), started, finished, applied, model, APPLIED, details));
        LOG.info(
                "{}: copied and checked {} rows in {} ms, updated in {} ms",
                part.key(),
                rows,
                details.get("copyMs"),
                details.get("updateMs"));
        return new Summary(
                STEP,
                runId,
                part.key(),
                APPLIED,
                rows,
                applied,
                skipped,
                model,
                null,
                applied + " of " + rows + " predictions written to " + table,
                Duration.between(started, finished).toMillis());
    }

    /** The one write: guests still current whose prediction changes; exited guests and equal values are left alone. */
    private String updateSql() {
        return "UPDATE " + guestsTable.quoted() + " g SET " + COLUMN + " = t.cls FROM " + PART_TABLE + " t"
                + " WHERE g.personal_id = t.personal_id AND g.enroll_date = t.enroll_date"
                + " AND g.exit_date IS NULL AND g." + COLUMN + " IS DISTINCT FROM t.cls";
    }

    /**
     * Sorts the rows the update did not write by reason. The update changes only the prediction column, so
     * who has exited and which keys match no guest read the same after it; the rest were unchanged. When
     * every row was written there is nothing to sort, and the join is not run at all.
     */
    private Skipped skipped(Connection c, long notWritten) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*) FILTER (WHERE g.personal_id IS NOT NULL AND g.exit_date IS NOT NULL),"
                                + " count(*) FILTER (WHERE g.personal_id IS NULL)"
                                + " FROM " + PART_TABLE + " t LEFT JOIN " + guestsTable.quoted() + " g"
                                + " ON g.personal_id = t.personal_id AND g.enroll_date = t.enroll_date")) {
            rs.next();
            long exited = rs.getLong(1);
            long unmatched = rs.getLong(2);
            return new Skipped(exited, unmatched, notWritten - exited - unmatched);
        }
    }

    /**
     * The guests table's schema-qualified name as the catalog has it, so every spelling of one table
     * (with or without its schema) takes the same lock and shares one history of applied runs.
     */
    private String resolveTable(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT n.nspname, c.relname, EXISTS (SELECT 1 FROM pg_attribute a"
                        + " WHERE a.attrelid = c.oid AND a.attname = ? AND NOT a.attisdropped)"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, COLUMN);
            ps.setString(2, guestsTable.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(
                            "the guests table " + guestsTable + " does not exist (GUESTS_TABLE)");
                }
                String qualified = rs.getString(1) + "." + rs.getString(2);
                if (!rs.getBoolean(3)) {
                    throw new IllegalStateException("the guests table " + qualified + " has no " + COLUMN
                            + " column; remove-exited-predictions adds it");
                }
                return qualified;
            }
        }
    }

    private static Optional<String> newestAppliedRun(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(run_id) FROM " + PredictionRuns.TABLE
                + " WHERE step = ? AND status = ? AND details ->> 'table' = ?")) {
            ps.setString(1, STEP);
            ps.setString(2, APPLIED);
            ps.setString(3, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getString(1));
            }
        }
    }

    /** The advisory lock key of a table: the first 8 bytes of a SHA-256 of a fixed prefix and its qualified name. */
    static long lockKey(String qualifiedTable) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("exit-destination-refresh/update/" + qualifiedTable).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                key = (key << 8) | (hash[i] & 0xFF);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Map<String, Object> details(String table, long rows, Skipped skipped, String newerRun) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("table", table);
        details.put("rowsInPart", rows);
        details.put(
                "skipped",
                Map.of("exited", skipped.exited(), "unmatched", skipped.unmatched(), "unchanged", skipped.unchanged()));
        if (newerRun != null) {
            details.put("newerRun", newerRun);
        }
        return details;
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
}
