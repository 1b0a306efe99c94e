package org.hmis.predictions.predict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.hmis.predictions.common.features.FeatureListDifference;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectNotFoundException;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.StoredObject;
import org.hmis.predictions.trees.TreeEnsemble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The model this container serves: {@code models/<name>/model.txt} and {@code model.json}, built into a
 * {@link BuiltModel} on first use and again only when either object's ETag changes (a HEAD of each per call; the trees are parsed once). The
 * manifest names the feature specification the model reads (so deploying a model of another version is all it
 * takes to predict with that version) and must list exactly that specification's features, in order.
 *
 * <p>Not thread-safe: a Lambda container runs one invocation at a time.
 */
public final class ServedModel {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    private final ObjectStore store;
    private final String bucket;
    private final String modelName;
    private BuiltModel loaded;
    private int loads;

    public ServedModel(ObjectStore store, String bucket, String modelName) {
        this.store = store;
        this.bucket = bucket;
        this.modelName = modelName;
    }

    /**
     * The model as it is in the bucket now.
     *
     * @throws ModelNotFoundException when model.txt or model.json is missing
     * @throws InvalidModelException when either is unreadable, they disagree, the manifest names no known feature
     *     specification or its features are not that specification's
     */
    public BuiltModel get() {
        String modelKey = RunKeys.modelKey(modelName);
        String manifestKey = RunKeys.manifestKey(modelName);
        StoredObject model = head(modelKey);
        StoredObject manifest = head(manifestKey);
        if (loaded != null
                && loaded.modelEtag().equals(model.etag())
                && loaded.manifestEtag().equals(manifest.etag())) {
            return loaded;
        }
        Read manifestRead = read(manifestKey);
        Read modelRead = read(modelKey);
        ModelManifest parsed = checked(ModelManifest.fromJson(manifestRead.text()));
        loaded = new BuiltModel(
                parsed, trees(modelKey, modelRead.text()), modelRead.etag(), manifestRead.etag(), modelRead.version());
        loads++;
        LOG.info(
                "Loaded model {} (model.txt ETag {}, version {}, model.json ETag {}, trained {}, feature spec {})",
                modelName,
                modelRead.etag(),
                modelRead.version(),
                manifestRead.etag(),
                parsed.trainedAt(),
                parsed.featureSpecVersion());
        return loaded;
    }

    private TreeEnsemble trees(String modelKey, String text) {
        try {
            return TreeEnsemble.parse(text);
        } catch (InvalidModelException e) {
            throw new InvalidModelException(
                    "s3://" + bucket + "/" + modelKey + " is not a LightGBM model the engine evaluates: "
                            + e.getMessage(),
                    e);
        }
    }

    /** How many times a model was loaded in this container: 1 unless the model changed. */
    public int loads() {
        return loads;
    }

    private ModelManifest checked(ModelManifest manifest) {
        String where = "s3://" + bucket + "/" + RunKeys.manifestKey(modelName);
        FeatureSpec spec;
        try {
            spec = FeatureSpec.forVersion(manifest.featureSpecVersion());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(
                    where + ": " + e.getMessage() + " (a newer trainer's model needs a newer " + "predict step)");
        }
        FeatureListDifference difference = FeatureListDifference.between(spec.featureNames(), manifest.features());
        if (!difference.isEmpty()) {
            throw new InvalidModelException(where + " lists features that are not those of feature specification "
                    + spec.version() + ": " + difference.describe());
        }
        if (!manifest.modelName().equals(modelName)) {
            LOG.warn("{} names the model '{}'; it is stored as '{}'", where, manifest.modelName(), modelName);
        }
        return manifest;
    }

    private StoredObject head(String key) {
        Optional<StoredObject> object = store.head(bucket, key);
        if (object.isEmpty()) {
            throw missing(key);
        }
        return object.get();
    }

    /** An object's text, its ETag and its S3 version id (null when the bucket is not versioned). */
    private record Read(String text, String etag, String version) {}

    private Read read(String key) {
        try (ResponseInputStream<GetObjectResponse> in = store.open(bucket, key)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Read(text, unquote(in.response().eTag()), in.response().versionId());
        } catch (ObjectNotFoundException e) {
            throw missing(key);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read s3://" + bucket + "/" + key, e);
        }
    }

    private ModelNotFoundException missing(String key) {
        return new ModelNotFoundException("model '" + modelName + "' not found: s3://" + bucket + "/" + key
                + " does not exist. MODEL_NAME chooses the model; put one there with the local runner's "
                + "'train --s3' or copy model.txt and model.json under models/" + modelName + "/");
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
