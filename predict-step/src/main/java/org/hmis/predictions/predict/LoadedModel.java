package org.hmis.predictions.predict;

import org.hmis.predictions.common.model.LightGbmPredictor;
import org.hmis.predictions.common.model.ModelManifest;

/**
 * A model in memory, with the ETags of the objects it was read from: a new ETag on either means a new model.
 *
 * @param modelEtag ETag of {@code model.txt}
 * @param manifestEtag ETag of {@code model.json}
 */
public record LoadedModel(ModelManifest manifest, LightGbmPredictor predictor, String modelEtag, String manifestEtag) {

    public String name() {
        return manifest.modelName();
    }
}
