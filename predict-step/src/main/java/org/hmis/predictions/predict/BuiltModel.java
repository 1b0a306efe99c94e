package org.hmis.predictions.predict;

import org.hmis.predictions.common.features.FeatureListDifference;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.trees.TreeEnsemble;

/**
 * The engine built for one version of a model: its manifest and parsed trees, with the ETags of the objects they were
 * read from (a new ETag on either means another version, built anew). The
 * trees are checked against the manifest when they meet: the same features in the same order and one output per
 * class.
 *
 * @param trees the parsed {@code model.txt}, evaluated by the pure-Java engine
 * @param modelEtag ETag of {@code model.txt}
 * @param manifestEtag ETag of {@code model.json}
 * @param modelVersion the S3 version id of the {@code model.txt} read, or null when the bucket is not versioned
 */
public record BuiltModel(
        ModelManifest manifest, TreeEnsemble trees, String modelEtag, String manifestEtag, String modelVersion) {
    private static final String MISMATCH = "model.txt does not match " + ModelManifest.FILE_NAME + ": ";

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
    }

    public String name() {
        return manifest.modelName();
    }
}
