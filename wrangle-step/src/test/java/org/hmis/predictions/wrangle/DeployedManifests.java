package org.hmis.predictions.wrangle;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.drift.FeatureDistribution;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;

/** Model manifests as training writes them, put where the wrangle step reads them: only model.json is read. */
final class DeployedManifests {
    private DeployedManifests() {}

    /** A manifest of {@code spec}, with {@code baseline} (null for a model trained before baselines). */
    static ModelManifest manifest(FeatureSpec spec, DriftBaseline baseline) {
        return new ModelManifest(
                PipelineConfig.DEFAULT_MODEL_NAME,
                spec.version(),
                spec.featureNames(),
                ExitDestinationClasses.LABELS,
                Instant.parse("2026-11-01T00:00:00Z"),
                1000,
                200,
                JsonNodeFactory.instance.objectNode(),
                Map.of(),
                baseline);
    }

    /** Puts {@code manifest} at {@code models/<default name>/model.json}. */
    static void deploy(ObjectStore store, String bucket, ModelManifest manifest) {
        store.putBytes(
                bucket,
                RunKeys.manifestKey(PipelineConfig.DEFAULT_MODEL_NAME),
                manifest.toJson().getBytes(StandardCharsets.UTF_8),
                "application/json",
                Map.of());
    }

    /**
     * A baseline the guests of the tests match exactly when their feature columns are NULL: numbers all missing,
     * flags all 0; {@code case_members} instead half at most 2, half above.
     */
    static DriftBaseline halfSmallHouseholds(FeatureSpec spec) {
        return new DriftBaseline(
                1000,
                spec.features().stream()
                        .map(f -> {
                            if (f.name().equals("case_members")) {
                                return new FeatureDistribution(
                                        f.name(), FeatureDistribution.Kind.NUMBER, List.of(2.0), List.of(0.5, 0.5), 0);
                            }
                            return f.encoding() == FeatureSpec.Encoding.ONE_HOT
                                    ? new FeatureDistribution(
                                            f.name(), FeatureDistribution.Kind.FLAG, List.of(0.0), List.of(1.0, 0.0), 0)
                                    : new FeatureDistribution(
                                            f.name(), FeatureDistribution.Kind.NUMBER, List.of(), List.of(0.0), 1);
                        })
                        .toList());
    }
}
