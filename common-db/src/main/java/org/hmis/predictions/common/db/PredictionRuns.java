package org.hmis.predictions.common.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Optional;

/**
 * A step's row of {@code prediction_runs}: one per (run, step, part), written by {@link RunLedger} on the step's
 * connection and in its transaction, so the record and the data never disagree.
 */
final class PredictionRuns {
    static final String TABLE = RunLedger.TABLE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PredictionRuns() {}

    /**
     * Inserts or replaces the entry for (run, step, part), with the identity of the content the step worked on (an
     * update part's ETag, or null) and the S3 version id of the model object that made it (V5's
     * {@code model_version}; null when the bucket is not versioned).
     */
    static void record(Connection connection, RunLedger.Entry entry, String contentId, String modelVersion)
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
    record Recorded(String status, String contentId) {}

    /** The record of (run, step, part), if any. */
    static Optional<Recorded> recorded(Connection connection, String runId, String step, String part)
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

    private static String toJson(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("run details are not serializable as JSON", e);
        }
    }
}
