package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.Deadline;

/**
 * When each step of a run was last seen and until when its invocation may run ({@code run_heartbeats}, V7), and what
 * follows: whether the run is stalled, a step of it having stopped without finishing.
 *
 * <p>A heartbeat is unfinished while its work is: wrangle's while the run is {@value RunLedger#STARTED}, an update
 * part's while the part has no applied record and the run is {@value RunLedger#WRANGLED}. Heartbeats older than the
 * run's start belong to an earlier attempt and count for nothing. A run is stalled when it has unfinished heartbeats
 * and every one of them is past its deadline (nothing of the run can still be running), or, for a started run, when
 * no session holds its wrangle lock (a wrangle holds it from the start to the record of how it ended, and a process
 * that dies loses it with its session).
 */
final class RunHeartbeats {
    static final String TABLE = "run_heartbeats";
    /**
     * How long an invocation without a deadline (the local runner) is taken to run after it was seen: the longest a
     * Lambda invocation of any step may run, so a local step is given no less than the functions.
     */
    static final Duration UNBOUNDED = Duration.ofMinutes(15);

    private RunHeartbeats() {}

    /**
     * Records, in its own statement (auto-commit), that {@code step} works on {@code part} of the run now and may run
     * until {@code deadline} ends, with the margin the deadline keeps (at most {@link Deadline#DEFAULT_MARGIN}).
     */
    static void seen(Connection connection, RunId runId, String step, String part, Deadline deadline)
            throws SQLException {
        long millis = deadline.bounded()
                ? Math.max(0, deadline.millisLeft()) + Deadline.DEFAULT_MARGIN.toMillis()
                : UNBOUNDED.toMillis();
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + TABLE
                + " (run_id, step, part, seen_at, deadline_at) VALUES (?, ?, ?, clock_timestamp(),"
                + " clock_timestamp() + ? * interval '1 millisecond') ON CONFLICT (run_id, step, part) DO UPDATE"
                + " SET seen_at = EXCLUDED.seen_at, deadline_at = EXCLUDED.deadline_at")) {
            ps.setString(1, runId.value());
            ps.setString(2, step);
            ps.setString(3, part);
            ps.setLong(4, millis);
            ps.executeUpdate();
        }
    }

    /** What the heartbeats of the run's current attempt say: the one seen last, and whether the run is stalled. */
    record Liveness(StepHeartbeat lastSeen, boolean stalled, StepHeartbeat live) {}

    /** Reads the heartbeats of the attempt that started at {@code startedAt}, the run being {@code status}. */
    static Liveness of(Connection connection, RunId runId, String status, Instant startedAt) throws SQLException {
        boolean started = RunLedger.STARTED.equals(status);
        boolean wrangled = RunLedger.WRANGLED.equals(status);
        StepHeartbeat last = null;
        StepHeartbeat live = null;
        boolean unfinished = false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT h.step, h.part, h.seen_at, h.deadline_at,"
                + " h.deadline_at > clock_timestamp(), (h.step = ? AND ?) OR (h.step = ? AND ? AND NOT EXISTS"
                + " (SELECT 1 FROM " + RunLedger.TABLE + " u WHERE u.run_id = h.run_id AND u.step = h.step"
                + " AND u.part = h.part AND u.status = ?)) FROM " + TABLE + " h"
                + " WHERE h.run_id = ? AND h.seen_at >= ? ORDER BY h.seen_at DESC, h.step, h.part")) {
            ps.setString(1, RunLedger.RUN_STEP);
            ps.setBoolean(2, started);
            ps.setString(3, RunLedger.UPDATE_STEP);
            ps.setBoolean(4, wrangled);
            ps.setString(5, RunLedger.APPLIED);
            ps.setString(6, runId.value());
            ps.setTimestamp(7, Timestamp.from(startedAt));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StepHeartbeat seen = new StepHeartbeat(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getTimestamp(3).toInstant(),
                            rs.getTimestamp(4).toInstant());
                    if (last == null) {
                        last = seen;
                    }
                    if (rs.getBoolean(6)) {
                        unfinished = true;
                        if (rs.getBoolean(5) && live == null) {
                            live = seen;
                        }
                    }
                }
            }
        }
        boolean stalled = (unfinished && live == null) || (started && !wrangleLockHeld(connection, runId));
        return new Liveness(last, stalled, live);
    }

    /** Whether a session holds the run's wrangle lock ({@link RunLifecycle#lockKey}) in this database. */
    private static boolean wrangleLockHeld(Connection connection, RunId runId) throws SQLException {
        long key = RunLifecycle.lockKey(runId);
        // A bigint advisory lock shows as its high and low 32 bits in classid and objid, with objsubid 1.
        try (PreparedStatement ps = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks"
                + " WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = ?"
                + " AND objid::bigint = ? AND database = (SELECT oid FROM pg_database"
                + " WHERE datname = current_database()))")) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
