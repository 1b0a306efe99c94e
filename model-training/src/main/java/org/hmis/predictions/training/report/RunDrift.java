package org.hmis.predictions.training.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far one run's current guests were from the model's training rows: the population stability index of each
 * feature against the manifest's drift baseline.
 *
 * @param runId the run
 * @param psi per feature, its PSI
 */
public record RunDrift(String runId, Map<String, Double> psi) {
    public RunDrift {
        psi = Collections.unmodifiableMap(new LinkedHashMap<>(psi));
    }
}
