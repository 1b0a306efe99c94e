package org.hmis.predictions.common.drift;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The training rows' distribution of every feature, as {@code model.json} keeps it under {@code drift_baseline}:
 * what tonight's guests are compared with ({@link DriftCounts}, {@link PopulationStabilityIndex}).
 *
 * @param rows the training rows the shares were taken over
 * @param features one distribution per feature, in the model's feature order
 */
public record DriftBaseline(
        @JsonProperty("rows") long rows,
        @JsonProperty("features") List<FeatureDistribution> features) {

    public DriftBaseline {
        if (rows <= 0) {
            throw new IllegalArgumentException("'drift_baseline.rows' should be positive, found " + rows);
        }
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("'drift_baseline.features' is missing or empty");
        }
        features = List.copyOf(features);
        Set<String> names = new HashSet<>();
        for (FeatureDistribution feature : features) {
            if (!names.add(feature.feature())) {
                throw new IllegalArgumentException("'drift_baseline.features' has " + feature.feature() + " twice");
            }
        }
    }

    /** The features' names, in order. */
    public List<String> featureNames() {
        return features.stream().map(FeatureDistribution::feature).toList();
    }
}
