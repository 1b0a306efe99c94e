package org.hmis.predictions.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectNotFoundException;
import org.hmis.predictions.common.s3.ObjectStore;

/**
 * Where a {@link StoredModel} is kept: a local directory holding {@code model.txt}, {@code model.json} and the risk
 * model the manifest names ({@code risk-model.txt}), the bucket's {@code models/<name>/} prefix, or a classpath
 * directory (the local runner's bundled demo model).
 */
public final class ModelFiles {

    private ModelFiles() {}

    /**
     * Writes {@code model.txt}, the risk model if there is one, and {@code model.json} into {@code directory},
     * creating it if needed.
     */
    public static void write(StoredModel artifact, Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(StoredModel.MODEL_FILE_NAME), artifact.modelText(), StandardCharsets.UTF_8);
        if (artifact.riskModelText() != null) {
            Files.writeString(
                    directory.resolve(artifact.manifest().risk().orElseThrow().file()),
                    artifact.riskModelText(),
                    StandardCharsets.UTF_8);
        }
        Files.writeString(
                directory.resolve(ModelManifest.FILE_NAME),
                artifact.manifest().toJson() + "\n",
                StandardCharsets.UTF_8);
    }

    /** Reads a model written by {@link #write}; a missing or malformed file is an {@link InvalidModelException}. */
    public static StoredModel read(Path directory) throws IOException {
        String modelText = readFile(directory, StoredModel.MODEL_FILE_NAME);
        ModelManifest manifest = ModelManifest.fromJson(readFile(directory, ModelManifest.FILE_NAME));
        String riskModel = manifest.risk().isPresent()
                ? readFile(directory, manifest.risk().get().file())
                : null;
        return new StoredModel(modelText, manifest, riskModel);
    }

    /**
     * Reads a model from a classpath directory such as {@code /demo-model}.
     *
     * @throws InvalidModelException when a file is missing or malformed
     */
    public static StoredModel readResource(String directory) {
        String modelText = readResourceFile(directory, StoredModel.MODEL_FILE_NAME);
        ModelManifest manifest = ModelManifest.fromJson(readResourceFile(directory, ModelManifest.FILE_NAME));
        String riskModel = manifest.risk().isPresent()
                ? readResourceFile(directory, manifest.risk().get().file())
                : null;
        return new StoredModel(modelText, manifest, riskModel);
    }

    /**
     * Stores the model under {@code models/<name>/} in {@code bucket}: the risk model first, so a manifest never names
     * a missing one, then the manifest, then the model text, so a predict step that sees the new {@code model.txt}
     * also finds its manifest.
     *
     * @return the key of {@code model.txt}
     */
    public static String upload(StoredModel artifact, ObjectStore store, String bucket) {
        String name = artifact.manifest().modelName();
        Map<String, String> metadata = Map.of(
                ObjectMetadata.MODEL,
                name,
                ObjectMetadata.FEATURE_SPEC_VERSION,
                artifact.manifest().featureSpecVersion());
        if (artifact.riskModelText() != null) {
            store.putBytes(
                    bucket,
                    RunKeys.modelFileKey(
                            name, artifact.manifest().risk().orElseThrow().file()),
                    artifact.riskModelText().getBytes(StandardCharsets.UTF_8),
                    "text/plain",
                    metadata);
        }
        store.putBytes(
                bucket,
                RunKeys.manifestKey(name),
                (artifact.manifest().toJson() + "\n").getBytes(StandardCharsets.UTF_8),
                "application/json",
                metadata);
        String modelKey = RunKeys.modelKey(name);
        store.putBytes(bucket, modelKey, artifact.modelText().getBytes(StandardCharsets.UTF_8), "text/plain", metadata);
        return modelKey;
    }

    /**
     * Reads the model under {@code models/<name>/} in {@code bucket}, as {@link #upload} stored it.
     *
     * @throws InvalidModelException when a file is missing or malformed, naming its key
     */
    public static StoredModel download(ObjectStore store, String bucket, String name) {
        ModelManifest manifest = ModelManifest.fromJson(readObject(store, bucket, RunKeys.manifestKey(name)));
        String modelText = readObject(store, bucket, RunKeys.modelKey(name));
        String riskModel = manifest.risk().isPresent()
                ? readObject(
                        store,
                        bucket,
                        RunKeys.modelFileKey(name, manifest.risk().get().file()))
                : null;
        return new StoredModel(modelText, manifest, riskModel);
    }

    private static String readObject(ObjectStore store, String bucket, String key) {
        try {
            return store.readString(bucket, key);
        } catch (ObjectNotFoundException e) {
            throw new InvalidModelException(
                    "s3://" + bucket + "/" + key + " does not exist: a model is " + StoredModel.MODEL_FILE_NAME + ", "
                            + ModelManifest.FILE_NAME + " and the risk model it names under models/<name>/",
                    e);
        }
    }

    private static String readFile(Path directory, String name) throws IOException {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException(file + " does not exist: a model directory holds "
                    + StoredModel.MODEL_FILE_NAME + ", " + ModelManifest.FILE_NAME + " and the risk model "
                    + ModelManifest.FILE_NAME + " names");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String readResourceFile(String directory, String name) {
        String path = (directory.endsWith("/") ? directory : directory + "/") + name;
        try (InputStream in = ModelFiles.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new InvalidModelException("the classpath holds no " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + path + " from the classpath", e);
        }
    }
}
