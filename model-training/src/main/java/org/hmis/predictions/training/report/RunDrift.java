package org.hmis.predictions.training.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.run.RunKeys;

/**
 * How far one run's current guests were from the model's training rows: the population stability index of each
 * feature against the manifest's drift baseline, and the features the run's drift test called shifted.
 *
 * @param runId the run
 * @param psi per feature, its PSI
 * @param shifted the features shifted beyond chance at the households measured, largest PSI first
 */
public record RunDrift(String runId, Map<String, Double> psi, List<String> shifted) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public RunDrift {
        psi = Collections.unmodifiableMap(new LinkedHashMap<>(psi));
        shifted = List.copyOf(shifted);
    }

    /**
     * The drift the latest wrangled run measured against the manifest of the model named {@code modelName}, as the
     * wrangle step records it in its run's row ({@code prediction_runs.details.drift}); empty when no run has.
     */
    public static Optional<RunDrift> latest(Connection connection, String modelName) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT run_id, details->'drift'->'psi', details->'drift'->'driftedFeatures'"
                        + " FROM prediction_runs WHERE step = 'wrangle' AND part = '' AND details->'drift'->>'baseline' = ?"
                        + " ORDER BY started_at DESC, run_id DESC LIMIT 1")) {
            ps.setString(1, RunKeys.manifestKey(modelName));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Double> psi = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> feature :
                        JSON.readTree(rs.getString(2)).properties()) {
                    psi.put(feature.getKey(), feature.getValue().asDouble());
                }
                List<String> shifted = new ArrayList<>();
                JSON.readTree(rs.getString(3)).forEach(feature -> shifted.add(feature.asText()));
                return Optional.of(new RunDrift(rs.getString(1), psi, shifted));
            } catch (JsonProcessingException e) {
                throw new SQLException("prediction_runs.details.drift.psi is not a JSON object: " + e.getMessage(), e);
            }
        }
    }
}
