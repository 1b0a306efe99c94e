package org.hmis.predictions.common.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's lifecycle in its own row of {@code prediction_runs}, {@code (run_id, 'wrangle', '')}, as {@link RunLedger}
 * records it:
 * {@value #STARTED} when the wrangle begins (its {@code started_at} is the database's clock, which orders runs),
 * {@value #WRANGLED} once the manifest is written after the last part, {@value #COMPLETE} when update has applied
 * every part the manifest lists, or {@value #FAILED} with the reason.
 *
 * <p>Starting is where run ids are checked ({@link RunRequest.Origin}): a caller's id must be new and within
 * {@link #CALLER_WINDOW} of the database's clock; a schedule's id may not lie in the future. A run id whose wrangle
 * succeeded is never started again (a schedule's second delivery then does nothing; a caller is refused); a failed
 * run, or one whose wrangle died without a word, is started again, its update records removed (the caller removes its
 * parts). While a wrangle runs it holds a session advisory lock on its run id, so two invocations of one run never
 * wrangle at once.
 *
 * <p>Completion is race-free: every update that records a part, and the wrangle that records the manifest, lock the
 * run's row first and count the applied parts after, so whichever of them commits last sees all the others.
 */
final class RunLifecycle {
    static final String STEP = RunLedger.RUN_STEP;
    static final String STARTED = RunLedger.STARTED;
    static final String WRANGLED = RunLedger.WRANGLED;
    static final String COMPLETE = RunLedger.COMPLETE;
    static final String FAILED = RunLedger.FAILED;
    static final Duration CALLER_WINDOW = RunLedger.CALLER_WINDOW;

    private static final Logger LOG = LoggerFactory.getLogger(RunLifecycle.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = RunLedger.TABLE;
    private static final String RUN_ROW = " WHERE run_id = ? AND step = '" + STEP + "' AND part = ''";

    private RunLifecycle() {}

    /**
     * Checks that {@code request} could start now, without starting it (POST /refresh answers before the work).
     *
     * @throws RunRefusedException naming why not
     */
    static void admit(Connection connection, RunRequest request) throws SQLException {
        Instant now = now(connection);
        Optional<RunLedger.State> state = state(connection, request.runId());
        if (state.isPresent()) {
            String status = state.get().status();
            if (status.equals(WRANGLED) || status.equals(COMPLETE)) {
                throw alreadyUsed(request.runId(), status);
            }
            if (status.equals(STARTED) && !stalled(connection, request.runId(), state.get())) {
                throw new RunRefusedException(
                        RunRefusedException.Reason.IN_PROGRESS,
                        "run " + request.runId() + " was started at "
                                + state.get().startedAt() + " and has not finished; ask for a new run");
            }
        }
        // A failed or stalled run is known to the ledger: its id was checked when it was new.
        checkTime(request, now, state.isPresent());
    }

    /**
     * Starts the run on {@code connection} (in auto-commit mode): takes the run's lock, checks the id, and records
     * {@value #STARTED}. Empty when a schedule's run is already done or being wrangled by another invocation: there
     * is nothing to do. The caller must {@link #release} the lock, on the same connection, when the wrangle ends.
     *
     * @throws RunRefusedException when the id is refused
     */
    static Optional<RunLedger.Start> begin(Connection connection, RunRequest request) throws SQLException {
        RunId runId = request.runId();
        boolean schedule = request.origin() == RunRequest.Origin.SCHEDULE;
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, lockKey(runId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    if (schedule) {
                        LOG.info("run {} is being wrangled by another delivery of its schedule: nothing to do", runId);
                        return Optional.empty();
                    }
                    throw new RunRefusedException(
                            RunRefusedException.Reason.IN_PROGRESS,
                            "run " + runId + " is being wrangled by another invocation right now");
                }
            }
        }
        boolean started = false;
        try {
            connection.setAutoCommit(false);
            Optional<String> status = checkTimeAndLock(connection, request);
            RunLedger.Start start;
            if (status.isEmpty()) {
                start = new RunLedger.Start(runId, insertStarted(connection, request), false);
            } else if (status.get().equals(WRANGLED) || status.get().equals(COMPLETE)) {
                connection.rollback();
                if (schedule) {
                    LOG.info("run {} of this schedule is {} already: nothing to do", runId, status.get());
                    return Optional.empty();
                }
                throw alreadyUsed(runId, status.get());
            } else {
                // failed, or started by an invocation that died (its lock is gone): a second attempt.
                start = new RunLedger.Start(runId, restart(connection, runId, status.get()), true);
            }
            connection.commit();
            started = true;
            return Optional.of(start);
        } catch (SQLException | RuntimeException e) {
            rollback(connection, e);
            throw e;
        } finally {
            connection.setAutoCommit(true);
            if (!started) {
                release(connection, runId);
            }
        }
    }

    /** Releases the run's lock taken by {@link #begin}. */
    static void release(Connection connection, RunId runId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, lockKey(runId));
            ps.executeQuery().close();
        }
    }

    /**
     * Records that the manifest is written: the run is {@value #WRANGLED}, or {@value #COMPLETE} at once when its
     * parts were applied before (or it has none), with {@code completion} run then. Runs in its own transaction on
     * {@code connection}.
     */
    static String wrangled(
            Connection connection, RunId runId, int parts, long rows, Map<String, ?> details, Completion completion)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            // The UPDATE locks the run's row, as completeIfAllApplied would, and counts what was applied before.
            try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE + " SET status = '" + WRANGLED
                    + "', finished_at = clock_timestamp(), parts = ?, rows = ?, details = coalesce(details, '{}') || ?::jsonb"
                    + RUN_ROW
                    + " AND status = '" + STARTED + "'")) {
                ps.setInt(1, parts);
                ps.setLong(2, rows);
                ps.setString(3, json(details));
                ps.setString(4, runId.value());
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("run " + runId + " is no longer started: another attempt took it");
                }
            }
            // A part that does not match the manifest fails the run instead of completing it (RunAccounting).
            String status = RunAccounting.allAccountedFor(connection, runId, parts)
                            && markComplete(connection, runId, parts, completion)
                    ? COMPLETE
                    : state(connection, runId).map(RunLedger.State::status).orElse(WRANGLED);
            connection.commit();
            return status;
        } catch (SQLException | RuntimeException e) {
            rollback(connection, e);
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** What is done, in the same transaction, when a run becomes {@value #COMPLETE} (ranking its percentiles). */
    @FunctionalInterface
    interface Completion {
        void completed(Connection connection, RunId runId) throws SQLException;
    }

    /** Records that the run's wrangle failed and why; a run already wrangled is left as it is. */
    static void failed(Connection connection, RunId runId, String reason) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE + " SET status = '" + FAILED
                + "', finished_at = clock_timestamp(), details = details || jsonb_build_object('error', ?::text)"
                + RUN_ROW + " AND status = '" + STARTED + "'")) {
            ps.setString(1, reason);
            ps.setString(2, runId.value());
            ps.executeUpdate();
        }
    }

    /** Whether a started run is stalled: its wrangle stopped without finishing ({@link RunHeartbeats}). */
    private static boolean stalled(Connection connection, RunId runId, RunLedger.State state) throws SQLException {
        return RunHeartbeats.of(connection, runId, state.status(), state.startedAt())
                .stalled();
    }

    /**
     * Records a run that stopped without finishing {@value #FAILED}, with {@code reason} as its error, so it can be
     * started again: a run {@value #STARTED} whose wrangle holds its lock no more, or {@value #WRANGLED} with no update
     * still within its deadline. Refused for a run that is complete or failed, or has a step still running.
     *
     * @return the status the run had
     */
    static String failStopped(Connection connection, RunId runId, String reason) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, lockKey(runId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new RunRefusedException(
                            RunRefusedException.Reason.IN_PROGRESS, "run " + runId + " is being wrangled right now");
                }
            }
        }
        try {
            RunLedger.State state = state(connection, runId)
                    .orElseThrow(() -> new IllegalArgumentException("no run " + runId + " was ever started"));
            String status = state.status();
            if (status.equals(COMPLETE) || status.equals(FAILED)) {
                throw new RunRefusedException(
                        RunRefusedException.Reason.ALREADY_USED,
                        "run " + runId + " is " + status + " already: there is nothing to fail");
            }
            RunHeartbeats.Liveness liveness = RunHeartbeats.of(connection, runId, status, state.startedAt());
            if (status.equals(WRANGLED) && liveness.live() != null) {
                StepHeartbeat live = liveness.live();
                throw new RunRefusedException(
                        RunRefusedException.Reason.IN_PROGRESS,
                        "run " + runId + "'s " + live.step() + " of " + live.part() + " was seen at " + live.at()
                                + " and may run until " + live.until() + "; fail the run after that");
            }
            try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE + " SET status = '" + FAILED
                    + "', finished_at = clock_timestamp(), details = details || jsonb_build_object('error', ?::text,"
                    + " 'failedWhile', ?::text)" + RUN_ROW + " AND status = ?")) {
                ps.setString(1, reason);
                ps.setString(2, status);
                ps.setString(3, runId.value());
                ps.setString(4, status);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("run " + runId + " changed while it was being failed; try again");
                }
            }
            LOG.warn("run {} was {} and is now recorded failed: {}", runId, status, reason);
            return status;
        } finally {
            release(connection, runId);
        }
    }

    /** The run's row, if the run was ever started. */
    static Optional<RunLedger.State> state(Connection connection, RunId runId) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT status, started_at, parts FROM " + TABLE + RUN_ROW)) {
            ps.setString(1, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int parts = rs.getInt(3);
                return Optional.of(new RunLedger.State(
                        rs.getString(1), rs.getTimestamp(2).toInstant(), rs.wasNull() ? null : parts));
            }
        }
    }

    /**
     * In the caller's transaction: when the run is {@value #WRANGLED} and every part of its manifest has an
     * {@code applied} update record, marks it {@value #COMPLETE} and runs {@code completion}. Locks the run's row first (see the class comment).
     */
    static boolean completeIfAllApplied(Connection connection, RunId runId, Completion completion) throws SQLException {
        String status;
        int parts;
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT status, parts FROM " + TABLE + RUN_ROW + " FOR UPDATE")) {
            ps.setString(1, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                status = rs.getString(1);
                parts = rs.getInt(2);
            }
        }
        return status.equals(WRANGLED)
                && RunAccounting.allAccountedFor(connection, runId, parts)
                && markComplete(connection, runId, parts, completion);
    }

    private static boolean markComplete(Connection connection, RunId runId, int parts, Completion completion)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE " + TABLE + " SET status = '" + COMPLETE + "', completed_at = clock_timestamp()" + RUN_ROW)) {
            ps.setString(1, runId.value());
            ps.executeUpdate();
        }
        LOG.info("run {} is complete: all {} parts applied", runId, parts);
        completion.completed(connection, runId);
        return true;
    }

    private static Instant now(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT clock_timestamp()");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /**
     * A run id may not name a time after the window; a caller's may not name one before it either, unless the ledger
     * holds the run ({@code known}: failed, or started and stopped), whose id was checked when it was new: a caller
     * resumes an old run but cannot invent one.
     */
    private static void checkTime(RunRequest request, Instant now, boolean known) {
        Instant stamp = request.runId().stamp();
        boolean tooLate = stamp.isAfter(now.plus(CALLER_WINDOW));
        boolean tooEarly =
                request.origin() == RunRequest.Origin.CALLER && !known && stamp.isBefore(now.minus(CALLER_WINDOW));
        if (tooLate || tooEarly) {
            throw new RunRefusedException(
                    RunRefusedException.Reason.BAD_TIME,
                    "run id " + request.runId() + " names " + stamp + ", more than " + CALLER_WINDOW.toMinutes()
                            + " minutes " + (tooLate ? "after" : "before") + " the database's clock (" + now
                            + "): a run id must be made now; leave runId out to get a new one");
        }
    }

    private static RunRefusedException alreadyUsed(RunId runId, String status) {
        return new RunRefusedException(
                RunRefusedException.Reason.ALREADY_USED,
                "run " + runId + " was wrangled already (it is " + status + "); ask for a new run");
    }

    /** Checks the id's time against the database's clock and locks the run's row, if any; returns its status. */
    private static Optional<String> checkTimeAndLock(Connection connection, RunRequest request) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT clock_timestamp(), (SELECT status FROM " + TABLE + RUN_ROW + " FOR UPDATE)")) {
            ps.setString(1, request.runId().value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Optional<String> status = Optional.ofNullable(rs.getString(2));
                // The caller holds the run's lock: a started run's wrangle is gone, so it is resumable as a failed one.
                checkTime(
                        request,
                        rs.getTimestamp(1).toInstant(),
                        status.filter(s -> s.equals(FAILED) || s.equals(STARTED))
                                .isPresent());
                return status;
            }
        }
    }

    private static Instant insertStarted(Connection connection, RunRequest request) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + TABLE
                + " (run_id, step, part, started_at, rows, status, details) VALUES (?, '" + STEP + "', '',"
                + " clock_timestamp(), 0, '" + STARTED + "', jsonb_build_object('origin', ?::text, 'attempt', 1))"
                + " RETURNING started_at")) {
            ps.setString(1, request.runId().value());
            ps.setString(2, request.origin().name().toLowerCase(java.util.Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    /** A new attempt: the old attempt's update records go (its parts are removed by the caller), the start is now. */
    private static Instant restart(Connection connection, RunId runId, String previous) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM " + TABLE + " WHERE run_id = ? AND step = '" + RunLedger.UPDATE_STEP + "'")) {
            ps.setString(1, runId.value());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE
                + " SET started_at = clock_timestamp(),"
                + " finished_at = NULL, completed_at = NULL, parts = NULL, rows = 0, status = '" + STARTED + "',"
                + " details = jsonb_build_object('origin', details->'origin', 'attempt',"
                + " coalesce((details->>'attempt')::int, 1) + 1, 'previous', ?::text, 'previousError', details->'error')"
                + RUN_ROW + " RETURNING started_at")) {
            ps.setString(1, previous);
            ps.setString(2, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                LOG.warn("run {} was {}: starting it again", runId, previous);
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    static long lockKey(RunId runId) {
        return AdvisoryLockKey.of("exit-destination-refresh/run/" + runId);
    }

    private static String json(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("run details are not serializable as JSON", e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
