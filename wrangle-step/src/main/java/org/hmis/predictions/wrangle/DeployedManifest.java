package org.hmis.predictions.wrangle;

import java.util.Optional;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.features.FeatureListDifference;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectNotFoundException;
import org.hmis.predictions.common.s3.ObjectStore;

/**
 * What the wrangle reads of the deployed model's manifest, the model predict will use: the feature specification its manifest names, so the parts
 * are written in it (deploying a model of another version is all it takes to switch), and the training distribution
 * tonight's guests are compared with. Only {@code models/<name>/model.json} is read, once per run: it is small, and
 * the trees are predict's business.
 *
 * <p>No manifest, no run: parts wrangled without a model could be predicted by none, and the version to write would be
 * a guess that a later model could contradict. The refusal names the object to upload.
 *
 * @param key the manifest's key in the bucket
 * @param spec the specification the model reads
 * @param driftBaseline the training distribution; empty for a model trained before training recorded one
 */
public record DeployedManifest(String key, FeatureSpec spec, Optional<DriftBaseline> driftBaseline) {

    /**
     * Reads and checks {@code models/<modelName>/model.json}.
     *
     * @throws IllegalStateException when there is none, naming the object
     * @throws InvalidModelException when it is unreadable, names an unknown specification or lists other features
     */
    public static DeployedManifest read(ObjectStore store, String bucket, String modelName) {
        String key = RunKeys.manifestKey(modelName);
        String where = "s3://" + bucket + "/" + key;
        String text;
        try {
            text = store.readString(bucket, key);
        } catch (ObjectNotFoundException e) {
            throw new IllegalStateException(
                    "no model to wrangle for: " + where + " does not exist. The wrangle writes the features of the "
                            + "specification the model's manifest names; upload the model first (model.txt and "
                            + "model.json under models/" + modelName + "/, e.g. local-runner train --s3)",
                    e);
        }
        ModelManifest manifest;
        try {
            manifest = ModelManifest.fromJson(text);
        } catch (InvalidModelException e) {
            throw new InvalidModelException(where + ": " + e.getMessage(), e);
        }
        FeatureSpec spec;
        try {
            spec = FeatureSpec.forVersion(manifest.featureSpecVersion());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(
                    where + ": " + e.getMessage() + " (a newer trainer's model needs a newer wrangle step)", e);
        }
        FeatureListDifference difference = FeatureListDifference.between(spec.featureNames(), manifest.features());
        if (!difference.isEmpty()) {
            throw new InvalidModelException(where + " lists features that are not those of feature specification "
                    + spec.version() + ": " + difference.describe());
        }
        return new DeployedManifest(key, spec, manifest.drift());
    }
}
