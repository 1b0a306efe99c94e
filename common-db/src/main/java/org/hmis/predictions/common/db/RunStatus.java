package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hmis.predictions.common.run.RunId;

/**
 * What {@code prediction_runs} says of a run, for {@code GET /runs/latest}, {@code GET /runs/{runId}} and the local
 * runner's {@code status}: its lifecycle state (the run's own row, {@link RunLifecycle}), the parts its manifest
 * lists and how many update applied, the rows wrangled and what update did with the predictions, the models that
 * made them, and when each stage ended. Predict writes no database record; its time is inside {@code totalMs}.
 *
 * @param runId the run
 * @param status {@code started}, {@code wrangled}, {@code complete} or {@code failed}, or {@code stalled}: started or
 *     wrangled, and a step of it stopped without finishing ({@code lastSeen} says which and when)
 * @param origin where the run id came from: {@code made_here}, {@code caller} or {@code schedule}
 * @param attempt 1, or more when a failed run was started again
 * @param parts the manifest's parts and how many of them were applied
 * @param rows current guests written to the run's parts (0 until wrangled)
 * @param rejected rows set aside in {@code rejected.csv}
 * @param written predictions update wrote to the guests table (guests whose value changed)
 * @param stale predictions not written because a run that started later wrote the guest first
 * @param unmatched predictions whose key matched no guest
 * @param models the models that made the applied parts, each with its ETag, S3 version id and part count
 * @param timings when the run started, was wrangled, completed or failed
 * @param durationsMs how long the wrangle, the updates (summed over parts) and the whole run took
 * @param error why the run failed, when it did
 * @param lastSeen the step of the run's current attempt seen last, when it was seen and until when its invocation may
 *     run; null when no step recorded one. A run is {@code stalled} when a step stopped without finishing: see
 *     {@link RunHeartbeats}
 * @param refresh how many current guests the wrangle re-scored (its {@code rows}) and carried over, and whether it was
 *     a full refresh
 */
public record RunStatus(
        String runId,
        String status,
        String origin,
        int attempt,
        Parts parts,
        long rows,
        long rejected,
        long written,
        long stale,
        long unmatched,
        List<Model> models,
        Timings timings,
        Durations durationsMs,
        String error,
        StepHeartbeat lastSeen,
        Refresh refresh) {
    /** What {@code status} says of a run whose step stopped without finishing. */
    public static final String STALLED = "stalled";

    /** The parts of the run: {@code expected}, the manifest's count (null until wrangled), and how many applied. */
    public record Parts(Integer expected, long applied) {}

    /**
     * What the run re-scored: {@code rescored} current guests written to its parts, {@code carriedOver} whose
     * prediction stood (0 before V10's runs and for a full refresh), and whether it was a full refresh.
     */
    public record Refresh(long rescored, long carriedOver, boolean full) {}

    /** A model that made some of the run's applied parts. */
    public record Model(String model, String etag, String versionId, long parts) {}

    /** When the run started (the database's clock, which orders runs), and when it was wrangled, completed, failed. */
    public record Timings(Instant startedAt, Instant wrangledAt, Instant completedAt, Instant failedAt) {}

    /** Milliseconds: the wrangle, the updates' own time summed over parts, and from the start to completion. */
    public record Durations(Long wrangle, long update, Long total) {}

    private static final String TABLE = PredictionRuns.TABLE;
    /** The run's update records, summed: one row whether or not there are any. */
    private static final String UPDATES = " CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE u.status = 'applied')"
            + " AS applied, coalesce(sum(u.rows), 0) AS written,"
            + " coalesce(sum((u.details->'skipped'->>'stale')::bigint), 0) AS stale,"
            + " coalesce(sum((u.details->'skipped'->>'unmatched')::bigint), 0) AS unmatched,"
            + " coalesce(sum((u.details->>'durationMs')::bigint), 0) AS update_ms"
            + " FROM " + TABLE + " u WHERE u.run_id = r.run_id AND u.step = 'update') u";
    /** Runs' own rows, each with its update records summed. */
    private static final String RUN_ROWS =
            " FROM " + TABLE + " r" + UPDATES + " WHERE r.step = '" + RunLifecycle.STEP + "' AND r.part = ''";

    /** The status of {@code runId}, if a wrangle ever started it. */
    public static Optional<RunStatus> of(Connection connection, RunId runId) throws SQLException {
        return read(connection, RUN_ROWS + " AND r.run_id = ?", runId.value());
    }

    /** The status of the run that started last, if any did. */
    public static Optional<RunStatus> latest(Connection connection) throws SQLException {
        return read(connection, RUN_ROWS + " ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1", null);
    }

    private static Optional<RunStatus> read(Connection connection, String from, String runId) throws SQLException {
        String sql = "SELECT r.run_id, r.status, r.details->>'origin', coalesce((r.details->>'attempt')::int, 1),"
                + " r.parts, r.rows, coalesce((r.details->>'rejected')::bigint, 0), r.details->>'error',"
                + " r.started_at, r.finished_at, r.completed_at,"
                + " u.applied, u.written, u.stale, u.unmatched, u.update_ms,"
                + " coalesce((r.details->>'" + RunLedger.CARRIED_OVER + "')::bigint, 0),"
                + " coalesce((r.details->>'" + RunLedger.FULL + "')::boolean, false)"
                + from;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (runId != null) {
                ps.setString(1, runId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String id = rs.getString(1);
                String status = rs.getString(2);
                int expected = rs.getInt(5);
                Integer parts = rs.wasNull() ? null : expected;
                Instant started = instant(rs.getTimestamp(9));
                Instant finished = instant(rs.getTimestamp(10));
                Instant completed = instant(rs.getTimestamp(11));
                boolean failed = RunLifecycle.FAILED.equals(status);
                Instant wrangled = failed || RunLifecycle.STARTED.equals(status) ? null : finished;
                Timings timings = new Timings(started, wrangled, completed, failed ? finished : null);
                Durations durations = new Durations(
                        millisBetween(started, wrangled), rs.getLong(16), millisBetween(started, completed));
                RunHeartbeats.Liveness liveness = RunHeartbeats.of(connection, RunId.parse(id), status, started);
                return Optional.of(new RunStatus(
                        id,
                        liveness.stalled() ? STALLED : status,
                        rs.getString(3),
                        rs.getInt(4),
                        new Parts(parts, rs.getLong(12)),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getLong(13),
                        rs.getLong(14),
                        rs.getLong(15),
                        models(connection, id),
                        timings,
                        durations,
                        rs.getString(8),
                        liveness.lastSeen(),
                        new Refresh(rs.getLong(6), rs.getLong(17), rs.getBoolean(18))));
            }
        }
    }

    /** The models of the run's applied parts, in the order they were first applied. */
    private static List<Model> models(Connection connection, String runId) throws SQLException {
        List<Model> models = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT model, details->>'modelEtag', model_version,"
                + " count(*) FROM " + TABLE + " WHERE run_id = ? AND step = 'update' AND status = 'applied'"
                + " GROUP BY 1, 2, 3 ORDER BY min(finished_at)")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    models.add(new Model(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return models;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Long millisBetween(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
