package org.hmis.predictions.predict;

import java.util.Optional;
import org.hmis.predictions.common.features.FeatureListDifference;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.trees.TreeEnsemble;

/**
 * The engine built for one version of a model: its manifest, its parsed five-class trees and the risk model's, with
 * the ETags of the objects they were read from (a new ETag on any means another version, built anew). The trees are
 * checked against the manifest when they meet: the same features in the same order, one output per class for the
 * five-class model and one for the risk model.
 *
 * @param trees the parsed {@code model.txt}, evaluated by the pure-Java engine
 * @param modelEtag ETag of {@code model.txt}
 * @param manifestEtag ETag of {@code model.json}
 * @param modelVersion the S3 version id of the {@code model.txt} read, or null when the bucket is not versioned
 * @param risk the risk model the manifest names, or empty for a model trained without one
 */
public record BuiltModel(
        ModelManifest manifest,
        TreeEnsemble trees,
        String modelEtag,
        String manifestEtag,
        String modelVersion,
        Optional<Risk> risk) {
    private static final String MISMATCH = "model.txt does not match " + ModelManifest.FILE_NAME + ": ";

    /**
     * The binary risk model: its raw score is the log-odds that the household does not reach permanent housing.
     *
     * @param trees the parsed risk model
     * @param key the object it was read from, {@code models/<name>/<file>}
     * @param etag that object's ETag
     */
    public record Risk(TreeEnsemble trees, String key, String etag) {}

    public BuiltModel {
        if (trees.numClasses() != manifest.classLabels().size()) {
            throw new InvalidModelException(MISMATCH + "the model's class count is " + trees.numClasses()
                    + ", the manifest lists " + manifest.classLabels().size() + " classes " + manifest.classLabels());
        }
        FeatureListDifference difference = FeatureListDifference.between(manifest.features(), trees.featureNames());
        if (!difference.isEmpty()) {
            throw new InvalidModelException(MISMATCH + "the model's " + trees.numFeatures()
                    + " features differ from the manifest's "
                    + manifest.features().size() + ": "
                    + difference.describe());
        }
        if (risk.isPresent()) {
            TreeEnsemble riskTrees = risk.get().trees();
            String riskMismatch = risk.get().key() + " does not match " + ModelManifest.FILE_NAME + ": ";
            if (riskTrees.numClasses() != 1) {
                throw new InvalidModelException(
                        riskMismatch + "a risk model has one output, this one " + riskTrees.numClasses());
            }
            FeatureListDifference riskDifference =
                    FeatureListDifference.between(manifest.features(), riskTrees.featureNames());
            if (!riskDifference.isEmpty()) {
                throw new InvalidModelException(riskMismatch + "the risk model's " + riskTrees.numFeatures()
                        + " features differ from the manifest's "
                        + manifest.features().size() + ": "
                        + riskDifference.describe());
            }
        }
    }

    public String name() {
        return manifest.modelName();
    }
}
