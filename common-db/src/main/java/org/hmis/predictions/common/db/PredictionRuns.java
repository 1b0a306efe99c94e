package org.hmis.predictions.common.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline's record of what ran: one row per (run, step, part). Steps write it on the same
 * connection and in the same transaction as their data change, so the record and the data never disagree.
 */
public final class PredictionRuns {
    public static final String TABLE = "prediction_runs";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PredictionRuns() {}

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

    /** Inserts or replaces the entry for (run, step, part). */
    public static void record(Connection connection, Entry entry) throws SQLException {
        record(connection, entry, null);
    }

    /** The same, with the identity of the content the step worked on (an update part's ETag), or null. */
    public static void record(Connection connection, Entry entry, String contentId) throws SQLException {
        record(connection, entry, contentId, null);
    }

    /**
     * The same, with the S3 version id of the model object that made the content (V5's {@code model_version}), or
     * null when the bucket is not versioned.
     */
    public static void record(Connection connection, Entry entry, String contentId, String modelVersion)
            throws SQLException {
        String sql = "INSERT INTO " + TABLE
                + " (run_id, step, part, started_at, finished_at, rows, model, status, details, content_id,"
                + " model_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)"
                + " ON CONFLICT (run_id, step, part) DO UPDATE SET started_at = EXCLUDED.started_at,"
                + " finished_at = EXCLUDED.finished_at, rows = EXCLUDED.rows, model = EXCLUDED.model,"
                + " status = EXCLUDED.status, details = EXCLUDED.details, content_id = EXCLUDED.content_id,"
                + " model_version = EXCLUDED.model_version";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, entry.runId());
            ps.setString(2, entry.step());
            ps.setString(3, entry.part());
            ps.setTimestamp(4, Timestamp.from(entry.startedAt()));
            ps.setTimestamp(5, Timestamp.from(entry.finishedAt()));
            ps.setLong(6, entry.rows());
            ps.setString(7, entry.model());
            ps.setString(8, entry.status());
            ps.setString(9, toJson(entry.details()));
            ps.setString(10, contentId);
            ps.setString(11, modelVersion);
            ps.executeUpdate();
        }
    }

    /** What was recorded for (run, step, part): its status and the identity of the content it worked on. */
    public record Recorded(String status, String contentId) {}

    /** The record of (run, step, part), if any. */
    public static Optional<Recorded> recorded(Connection connection, String runId, String step, String part)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT status, content_id FROM " + TABLE + " WHERE run_id = ? AND step = ? AND part = ?")) {
            ps.setString(1, runId);
            ps.setString(2, step);
            ps.setString(3, part);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Recorded(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The status recorded for (run, step, part), if any. */
    public static Optional<String> status(Connection connection, String runId, String step, String part)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT status FROM " + TABLE + " WHERE run_id = ? AND step = ? AND part = ?")) {
            ps.setString(1, runId);
            ps.setString(2, step);
            ps.setString(3, part);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static String toJson(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("run details are not serializable as JSON", e);
        }
    }
}
