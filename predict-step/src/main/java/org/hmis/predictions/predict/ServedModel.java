package org.hmis.predictions.predict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
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
 * The model this container serves: {@code models/<name>/model.txt}, {@code model.json} and the risk model the
 * manifest names ({@code risk_model.file}, such as {@code risk-model.txt}), built into a {@link BuiltModel} on first
 * use and again only when an object's ETag changes (a HEAD of each per call; the trees are parsed once). The
 * manifest names the feature specification the model reads (so deploying a model of another version is all it
 * takes to predict with that version) and must list exactly that specification's features, in order. The risk model
 * is LightGBM's {@code binary} objective with sigmoid 1, so its raw score is the log-odds of the risk; a model
 * trained without one is served with the risk 1 &minus; {@code p_perm} and no reasons.
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
     * @throws ModelNotFoundException when model.txt, model.json or the risk model the manifest names is missing
     * @throws InvalidModelException when one is unreadable, they disagree, the manifest names no known feature
     *     specification or its features are not that specification's
     */
    public BuiltModel get() {
        String modelKey = RunKeys.modelKey(modelName);
        String manifestKey = RunKeys.manifestKey(modelName);
        StoredObject model = head(modelKey);
        StoredObject manifest = head(manifestKey);
        if (loaded != null
                && loaded.modelEtag().equals(model.etag())
                && loaded.manifestEtag().equals(manifest.etag())
                && loaded.risk()
                        .map(risk -> risk.etag().equals(head(risk.key()).etag()))
                        .orElse(true)) {
            return loaded;
        }
        Read manifestRead = read(manifestKey);
        Read modelRead = read(modelKey);
        ModelManifest parsed = checked(ModelManifest.fromJson(manifestRead.text()));
        Optional<BuiltModel.Risk> risk = parsed.risk().map(this::risk);
        loaded = new BuiltModel(
                parsed,
                trees(modelKey, modelRead.text()),
                modelRead.etag(),
                manifestRead.etag(),
                modelRead.version(),
                risk);
        loads++;
        LOG.info(
                "Loaded model {} (model.txt ETag {}, version {}, model.json ETag {}, trained {}, feature spec {},"
                        + " risk model {})",
                modelName,
                modelRead.etag(),
                modelRead.version(),
                manifestRead.etag(),
                parsed.trainedAt(),
                parsed.featureSpecVersion(),
                risk.map(r -> r.key() + " ETag " + r.etag()).orElse("none"));
        if (risk.isEmpty()) {
            LOG.warn(
                    "Model {} was trained without a risk model: its risk is 1 - p_perm and its predictions are not"
                            + " explained; train it again to have the risk and its reasons from a risk model",
                    modelName);
        }
        return loaded;
    }

    private BuiltModel.Risk risk(ModelManifest.RiskModel named) {
        if (!Set.copyOf(named.positiveClasses())
                .equals(Set.copyOf(ModelManifest.RiskModel.notPermanentHousing().positiveClasses()))) {
            throw new InvalidModelException("s3://" + bucket + "/" + RunKeys.manifestKey(modelName)
                    + ": the risk model's positive classes are " + named.positiveClasses() + "; the risk shown is the"
                    + " chance of not reaching permanent housing, every class but perm");
        }
        String key = RunKeys.modelFileKey(modelName, named.file());
        Read read = read(key);
        String where = "s3://" + bucket + "/" + key;
        requireBinaryObjective(where, read.text());
        return new BuiltModel.Risk(trees(key, read.text()), key, read.etag());
    }

    /**
     * The risk model's raw score is the log-odds of its probability only under the {@code binary} objective with
     * sigmoid 1 (LightGBM writes {@code objective=binary sigmoid:1}).
     */
    private static void requireBinaryObjective(String where, String modelText) {
        String objective = modelText
                .lines()
                .takeWhile(line -> !line.startsWith("Tree="))
                .filter(line -> line.startsWith("objective="))
                .findFirst()
                .map(line -> line.substring("objective=".length()).trim())
                .orElse("");
        String[] words = objective.split(" ", -1);
        boolean binary = words[0].equals("binary")
                && Arrays.stream(words).skip(1).allMatch(w -> !w.startsWith("sigmoid:") || unitSigmoid(w));
        if (!binary || Arrays.stream(words).noneMatch(w -> w.startsWith("sigmoid:"))) {
            throw new InvalidModelException(where + " is a risk model of objective '" + objective
                    + "': a risk model is LightGBM's binary objective with sigmoid 1, whose raw score is the log-odds"
                    + " of the risk");
        }
    }

    private static boolean unitSigmoid(String word) {
        try {
            return Double.parseDouble(word.substring("sigmoid:".length())) == 1.0;
        } catch (NumberFormatException e) {
            return false;
        }
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
        if (!key.equals(RunKeys.modelKey(modelName)) && !key.equals(RunKeys.manifestKey(modelName))) {
            return new ModelNotFoundException("the risk model of model '" + modelName + "' not found: s3://" + bucket
                    + "/" + key + " does not exist, but " + RunKeys.manifestKey(modelName) + " names it; put the"
                    + " files training wrote under models/" + modelName + "/ together");
        }
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
