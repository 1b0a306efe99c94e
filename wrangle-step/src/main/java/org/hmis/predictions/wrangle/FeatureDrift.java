package org.hmis.predictions.wrangle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.drift.DriftAssessment;
import org.hmis.predictions.common.drift.DriftCounts;
import org.hmis.predictions.common.drift.DriftSample;

/**
 * How far one run's current households were from the model's training rows ({@link DriftAssessment}), as the run
 * records it in {@code prediction_runs.details.drift}.
 *
 * @param tonight what this run measured, kept with the run so later runs can pool it
 * @param nights the nights the assessment pooled, this one included
 * @param assessment each feature's test, on tonight alone or pooled with the earlier nights
 * @param fingerprint the baseline's ({@link org.hmis.predictions.common.drift.DriftBaseline#fingerprint})
 */
record FeatureDrift(DriftSample tonight, int nights, DriftAssessment assessment, String fingerprint) {

    /**
     * The drift of the rows counted; empty when there is no baseline ({@code null}) or no row was counted.
     *
     * @param households the households the rows stand for
     * @param earlier earlier nights' samples against the same baseline, to pool with tonight's
     */
    static Optional<FeatureDrift> of(DriftCounts counts, double households, List<DriftSample> earlier) {
        if (counts == null || counts.rows() == 0) {
            return Optional.empty();
        }
        DriftSample tonight = counts.sample(households);
        List<DriftSample> nights = new ArrayList<>(earlier.size() + 1);
        nights.add(tonight);
        nights.addAll(earlier);
        DriftAssessment assessment = DriftAssessment.of(counts.baseline(), DriftSample.pooled(nights));
        return Optional.of(new FeatureDrift(
                tonight, nights.size(), assessment, counts.baseline().fingerprint()));
    }

    /** Every feature's PSI, in the model's feature order. */
    Map<String, Double> psi() {
        return assessment.psi();
    }

    /** The largest PSI. */
    double maxFeaturePsi() {
        return assessment.maxPsi();
    }

    /** The shifted features with their PSI, largest first. */
    Map<String, Double> drifted() {
        return assessment.shifted();
    }

    /** What the run's row keeps under {@code details.drift}. */
    Map<String, Object> details(String baselineKey, long rows) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("baseline", baselineKey);
        details.put(EarlierNights.FINGERPRINT, fingerprint);
        details.put("rows", rows);
        details.put("households", tonight.households());
        details.put("nights", nights);
        details.put("testedHouseholds", assessment.households());
        details.put("maxFeaturePsi", maxFeaturePsi());
        details.put("threshold", DriftAssessment.EFFECT_FLOOR);
        details.put("alpha", DriftAssessment.ALPHA);
        details.put("driftedFeatures", drifted().keySet());
        details.put("psi", psi());
        details.put("adjustedPValues", assessment.adjustedPValues());
        details.put(EarlierNights.SAMPLE, tonight);
        return details;
    }
}
