package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a run's records in {@code prediction_runs}: a method per event of a run's life, which the steps
 * call and whose SQL lives here or in the package-private classes behind it ({@link RunLifecycle} for the run's own
 * row, {@link PredictionRuns} for a step's row, {@link RiskPercentiles} and {@link RunClassMix} for what is done when a
 * run completes). Every event is written on the caller's connection, in the caller's transaction unless it says it
 * runs its own, so a record and the data change it describes commit together.
 *
 * <p>A run's life: wrangle {@link #admit admits} and {@link #started starts} it (holding a session advisory lock on
 * its run id until it {@link #release releases} it), then records it {@link #wrangled} or {@link #failed}; update
 * records each {@link #partApplied part applied}, and whichever of the two sees the last part applied marks the run
 * {@value #COMPLETE}, ranks its current guests' percentiles and (from update) records its class mix. Remove
 * {@link #admitRemove checks} a caller's run id and records that it {@link #removed marked} the exited guests. Wrangle
 * and each update part record that they were {@link #seen} and until when they may run, which tells a run whose step
 * stopped without a word ({@link RunStatus#STALLED}); such a run, or a failed one, may be started again under its id,
 * or {@link #failStopped failed} by an operator.
 */
public final class RunLedger {
    public static final String TABLE = "prediction_runs";
    /** The step of the run's own row: wrangle starts the run. */
    public static final String RUN_STEP = "wrangle";

    public static final String REMOVE_STEP = "remove";
    public static final String UPDATE_STEP = "update";
    public static final String STARTED = "started";
    public static final String WRANGLED = "wrangled";
    public static final String COMPLETE = "complete";
    public static final String FAILED = "failed";
    /** The status of an update part's row. */
    public static final String APPLIED = "applied";
    /** The status of remove's row. */
    public static final String REMOVED = "done";
    /** The run's row's details: the parts of its manifest (key, rows, ETag), which its predictions are held to. */
    public static final String MANIFEST_PARTS = "manifestParts";
    /** In the run's details: current guests the wrangle did not write because their prediction stands. */
    public static final String CARRIED_OVER = "carriedOver";
    /** In the run's details: whether the run wrote every current guest (a full refresh). */
    public static final String FULL = "full";
    /** An applied part's details: the wrangled part it was predicted from, that part's ETag, the part's rows. */
    public static final String SOURCE_PART = "sourcePart";

    public static final String SOURCE_ETAG = "sourceEtag";
    public static final String ROWS_IN_PART = "rowsInPart";
    /**
     * How far a caller's run id may be from the database's clock, either way; a failed or stalled run the ledger holds
     * may be started again under its id at any age.
     */
    public static final Duration CALLER_WINDOW = Duration.ofMinutes(15);
    /** How long a step without a deadline (the local runner) is taken to run after it was last seen. */
    public static final Duration UNBOUNDED_STEP = RunHeartbeats.UNBOUNDED;

    private static final Logger LOG = LoggerFactory.getLogger(RunLedger.class);

    private final SqlIdentifier guestsTable;
    private final SqlIdentifier guestPredictionsTable;
    private final RiskPercentiles percentiles;

    /**
     * @param guestsTable           whose current guests a complete run's percentiles rank
     * @param guestPredictionsTable where a complete run's percentiles are written and its class mix counted
     */
    public RunLedger(SqlIdentifier guestsTable, SqlIdentifier guestPredictionsTable) {
        this.guestsTable = guestsTable;
        this.guestPredictionsTable = guestPredictionsTable;
        this.percentiles = new RiskPercentiles(guestsTable, guestPredictionsTable);
    }

    /** One row of {@code prediction_runs}; {@code part} is the S3 key of a part, or "" for a whole-run step. */
    public record Entry(
            String runId,
            String step,
            String part,
            Instant startedAt,
            Instant finishedAt,
            long rows,
            String model,
            String status,
            Map<String, ?> details) {}

    /** A started run: when the database says it started, and whether it is a failed run's second attempt. */
    public record Start(RunId runId, Instant startedAt, boolean rerun) {}

    /** A run's row: its status and the start that orders it. */
    public record State(String status, Instant startedAt, Integer parts) {}

    /**
     * An update part's earlier application, with the identity of the content it applied (its ETag; null when not
     * known).
     */
    public record AppliedBefore(String contentId) {
        /** Whether {@code contentId} is the content applied then; an unknown identity on either side counts as it. */
        public boolean sameContent(String contentId) {
            return contentId == null || this.contentId == null || contentId.equals(this.contentId);
        }
    }

    /**
     * A predictions part as update applied it.
     *
     * @param rows         the guests whose prediction changed
     * @param contentId    the part's ETag, or null
     * @param modelVersion the S3 version id of the model object that made the part, or null (a bucket without
     *                     versions)
     */
    public record AppliedPart(
            RunKeys.Part part,
            Instant startedAt,
            Instant finishedAt,
            long rows,
            String model,
            String contentId,
            String modelVersion,
            Map<String, ?> details) {}

    /** Writes {@code entry} as it is (inserting or replacing the row of its run, step and part). */
    public static void record(Connection connection, Entry entry, String contentId, String modelVersion)
            throws SQLException {
        PredictionRuns.record(connection, entry, contentId, modelVersion);
    }

    /**
     * Checks that {@code request} could start now, without starting it (POST /refresh answers before the work).
     *
     * @throws RunRefusedException naming why not
     */
    public void admit(Connection connection, RunRequest request) throws SQLException {
        RunLifecycle.admit(connection, request);
    }

    /**
     * Starts the run on {@code connection} (in auto-commit mode): takes the run's lock, checks the id, and records it
     * {@value #STARTED}. Empty when a schedule's run is already done or being wrangled by another invocation. The
     * caller must {@link #release} the lock, on the same connection, when the wrangle ends.
     *
     * @throws RunRefusedException when the id is refused
     */
    public Optional<Start> started(Connection connection, RunRequest request) throws SQLException {
        return RunLifecycle.begin(connection, request);
    }

    /** Releases the run's lock taken by {@link #started}. */
    public void release(Connection connection, RunId runId) throws SQLException {
        RunLifecycle.release(connection, runId);
    }

    /**
     * Records that the manifest is written: the run is {@value #WRANGLED}, or {@value #COMPLETE} at once, its
     * percentiles ranked, when its parts were applied before (or it has none). Runs in its own transaction on
     * {@code connection}; answers the run's status.
     */
    public String wrangled(Connection connection, RunId runId, int parts, long rows, Map<String, ?> details)
            throws SQLException {
        return RunLifecycle.wrangled(connection, runId, parts, rows, details, this::percentilesRanked);
    }

    /** Records that the run's wrangle failed and why; a run already wrangled is left as it is. */
    public void failed(Connection connection, RunId runId, String reason) throws SQLException {
        RunLifecycle.failed(connection, runId, reason);
    }

    /** The run's row, if the run was ever started. */
    public Optional<State> run(Connection connection, RunId runId) throws SQLException {
        return RunLifecycle.state(connection, runId);
    }

    /** The earlier application of {@code part} under its run, if it was applied. */
    public Optional<AppliedBefore> appliedBefore(Connection connection, RunKeys.Part part) throws SQLException {
        return PredictionRuns.recorded(connection, part.runId().value(), UPDATE_STEP, part.key())
                .filter(recorded -> recorded.status().equals(APPLIED))
                .map(recorded -> new AppliedBefore(recorded.contentId()));
    }

    /**
     * Refuses a predictions part the run's manifest does not list, or lists as predicted from a wrangled part with
     * another ETag or other rows ({@link RunAccounting}); a run still wrangling is checked when it completes.
     *
     * @param sourceEtag the ETag of the wrangled part the predictions part names as its source
     * @param rows       the predictions part's rows
     * @throws IllegalStateException naming the part and what differs
     */
    public void checkListed(Connection connection, RunKeys.Part part, String sourceEtag, long rows, String source)
            throws SQLException {
        RunAccounting.checkListed(connection, part, sourceEtag, rows, source);
    }

    /**
     * In update's transaction: records the part {@value #APPLIED}; when it was the last of the run's manifest to be
     * applied, marks the run {@value #COMPLETE}, ranks its percentiles and records its class mix. Present (the run's
     * class mix) when this part completed the run. A part applied again, with new content, to a run already complete
     * ranks the run's percentiles again, so the ranking always follows the predictions.
     */
    public Optional<RunClassMix> partApplied(Connection connection, AppliedPart applied) throws SQLException {
        RunKeys.Part part = applied.part();
        PredictionRuns.record(
                connection,
                new Entry(
                        part.runId().value(),
                        UPDATE_STEP,
                        part.key(),
                        applied.startedAt(),
                        applied.finishedAt(),
                        applied.rows(),
                        applied.model(),
                        APPLIED,
                        applied.details()),
                applied.contentId(),
                applied.modelVersion());
        if (complete(connection, part.runId())) {
            return Optional.of(classMix(connection, part.runId()));
        }
        if (run(connection, part.runId())
                .filter(run -> run.status().equals(COMPLETE))
                .isPresent()) {
            percentilesRanked(connection, part.runId());
        }
        return Optional.empty();
    }

    /**
     * A caller's run id for remove: near the database's clock (or a run the ledger holds, being resumed), and not one
     * remove has run under.
     *
     * @throws RunRefusedException when it is not
     */
    public void admitRemove(Connection connection, RunId runId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT clock_timestamp(), EXISTS (SELECT 1 FROM "
                + TABLE + " WHERE run_id = ? AND step = ? AND part = ''), EXISTS (SELECT 1 FROM " + TABLE
                + " WHERE run_id = ? AND step = ? AND part = '')")) {
            ps.setString(1, runId.value());
            ps.setString(2, REMOVE_STEP);
            ps.setString(3, runId.value());
            ps.setString(4, RUN_STEP);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Instant now = rs.getTimestamp(1).toInstant();
                // A run the ledger holds had its id checked when it was new: resuming it may run its remove late.
                boolean known = rs.getBoolean(3);
                if (!known && Duration.between(runId.stamp(), now).abs().compareTo(CALLER_WINDOW) > 0) {
                    throw new RunRefusedException(
                            RunRefusedException.Reason.BAD_TIME,
                            "run id " + runId + " names " + runId.stamp() + ", more than "
                                    + CALLER_WINDOW.toMinutes() + " minutes from the database's clock ("
                                    + now + "): a run id must be made now; leave runId out to get a new one");
                }
                if (rs.getBoolean(2)) {
                    throw new RunRefusedException(
                            RunRefusedException.Reason.ALREADY_USED,
                            "run " + runId + " marked exited guests already; ask for a new run");
                }
            }
        }
    }

    /** In remove's transaction: records that it marked {@code guests} exited guests. */
    public void removed(
            Connection connection,
            RunId runId,
            Instant startedAt,
            Instant finishedAt,
            long guests,
            Map<String, ?> details)
            throws SQLException {
        PredictionRuns.record(
                connection,
                new Entry(runId.value(), REMOVE_STEP, "", startedAt, finishedAt, guests, null, REMOVED, details),
                null,
                null);
    }

    /**
     * Records that {@code step} works on {@code part} of the run (the part's key, or "" for a whole-run step) now, and
     * may run until {@code deadline} ends ({@link #UNBOUNDED_STEP} from now without one): what tells a stalled run
     * ({@link RunStatus#STALLED}). Its own statement, on {@code connection} in auto-commit mode; a failure is logged,
     * not thrown, so a schema without the heartbeats (not yet migrated) does not stop the work.
     */
    public void seen(Connection connection, RunId runId, String step, String part, Deadline deadline) {
        try {
            RunHeartbeats.seen(connection, runId, step, part, deadline);
        } catch (SQLException e) {
            LOG.warn(
                    "run {}: could not record that {} was seen (is the pipeline schema migrated? local-runner setup): {}",
                    runId,
                    step,
                    e.getMessage());
        }
    }

    /** When remove finished marking exited guests under {@code runId}, if it did. */
    public Optional<Instant> removedAt(Connection connection, RunId runId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT finished_at FROM " + TABLE + " WHERE run_id = ? AND step = ? AND part = '' AND status = ?")) {
            ps.setString(1, runId.value());
            ps.setString(2, REMOVE_STEP);
            ps.setString(3, REMOVED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    /**
     * Records a run that stopped without finishing {@value #FAILED}, {@code reason} its error, so it may be started
     * again under its id: a started run no wrangle holds, or a wrangled run no update is still applying (within its
     * deadline). Answers the status the run had.
     *
     * @throws RunRefusedException when the run is complete or failed, or a step of it is still running
     */
    public String failStopped(Connection connection, RunId runId, String reason) throws SQLException {
        return RunLifecycle.failStopped(connection, runId, reason);
    }

    /** Marks the run complete, its percentiles ranked, when it is wrangled and every part is applied. */
    private boolean complete(Connection connection, RunId runId) throws SQLException {
        return RunLifecycle.completeIfAllApplied(connection, runId, this::percentilesRanked);
    }

    /** Ranks a completing run's current guests by risk. */
    private void percentilesRanked(Connection connection, RunId runId) throws SQLException {
        percentiles.rank(connection, runId);
    }

    /** Records a completing run's class mix in its row, beside the previous complete run's. */
    private RunClassMix classMix(Connection connection, RunId runId) throws SQLException {
        return RunClassMix.recordOnCompletion(connection, guestsTable, guestPredictionsTable, runId);
    }
}
