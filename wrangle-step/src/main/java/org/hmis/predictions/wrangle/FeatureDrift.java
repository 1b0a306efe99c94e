package org.hmis.predictions.wrangle;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.drift.DriftCounts;
import org.hmis.predictions.common.drift.PopulationStabilityIndex;

/**
 * How far one run's current guests were from the model's training rows, as the run records it in
 * {@code prediction_runs.details.drift}.
 *
 * @param psi every feature's PSI, in the model's feature order
 * @param maxFeaturePsi the largest of them
 * @param drifted the features above {@link PopulationStabilityIndex#ALERT} with their PSI, largest first
 */
record FeatureDrift(Map<String, Double> psi, double maxFeaturePsi, Map<String, Double> drifted) {

    /** The drift of the rows counted; empty when there is no baseline ({@code null}) or no row was counted. */
    static Optional<FeatureDrift> of(DriftCounts counts) {
        if (counts == null || counts.rows() == 0) {
            return Optional.empty();
        }
        Map<String, Double> psi = counts.psi();
        Map<String, Double> drifted = new LinkedHashMap<>();
        psi.entrySet().stream()
                .filter(e -> e.getValue() > PopulationStabilityIndex.ALERT)
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> drifted.put(e.getKey(), e.getValue()));
        double max =
                psi.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return Optional.of(
                new FeatureDrift(Collections.unmodifiableMap(psi), max, Collections.unmodifiableMap(drifted)));
    }

    /** What the run's row keeps under {@code details.drift}. */
    Map<String, Object> details(String baselineKey, long rows) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("baseline", baselineKey);
        details.put("rows", rows);
        details.put("maxFeaturePsi", maxFeaturePsi);
        details.put("threshold", PopulationStabilityIndex.ALERT);
        details.put("driftedFeatures", drifted.keySet());
        details.put("psi", psi);
        return details;
    }
}
