package org.hmis.predictions.common.drift;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
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

    /**
     * Names these rows, bins and shares: nights are pooled only when measured against the same baseline, and a model
     * trained again keeps its key but gets another baseline.
     */
    public String fingerprint() {
        StringBuilder text = new StringBuilder().append(rows);
        for (FeatureDistribution feature : features) {
            text.append('\n')
                    .append(feature.feature())
                    .append(' ')
                    .append(feature.kind())
                    .append(' ')
                    .append(feature.edges())
                    .append(' ')
                    .append(feature.shares())
                    .append(' ')
                    .append(feature.missing());
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The features' names, in order. */
    public List<String> featureNames() {
        return features.stream().map(FeatureDistribution::feature).toList();
    }
}
