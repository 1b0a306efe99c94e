package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    @TempDir
    Path directory;

    @Test
    void aWrittenModelReadsBackTheSame() throws Exception {
        StoredModel artifact = new ModelTrainer(new TrainingParameters(5, 0.1, 7, 3, 1, 0.2))
                .train("written", "v1", SyntheticTrainingData.generate(1_000, 3));
        ModelFiles.write(artifact, directory.resolve("written"));
        assertEquals(artifact, ModelFiles.read(directory.resolve("written")));
        Path riskModel = directory.resolve("written").resolve(ModelManifest.RiskModel.DEFAULT_FILE);
        assertEquals(artifact.riskModelText(), Files.readString(riskModel));
        Files.delete(riskModel);
        InvalidModelException missing =
                assertThrows(InvalidModelException.class, () -> ModelFiles.read(directory.resolve("written")));
        assertTrue(missing.getMessage().contains(riskModel + " does not exist"), missing.getMessage());
    }

    @Test
    void anUploadedModelDownloadsTheSameAndAMissingOneIsNamed() {
        StoredModel artifact = new ModelTrainer(new TrainingParameters(5, 0.1, 7, 3, 1, 0.2))
                .train("uploaded", "v1", SyntheticTrainingData.generate(1_000, 4));
        try (ObjectStore store = ObjectStore.create(new StorageSettings(
                S3.bucket(),
                S3.bucket(),
                S3.region(),
                Optional.of(S3.endpoint()),
                Optional.of(new StorageSettings.AccessKeys(S3.accessKey(), S3.secretKey(), null))))) {
            ModelFiles.upload(artifact, store, S3.bucket());
            assertEquals(artifact, ModelFiles.download(store, S3.bucket(), "uploaded"));
            assertEquals(artifact.riskModelText(), store.readString(S3.bucket(), "models/uploaded/risk-model.txt"));
            InvalidModelException missing =
                    assertThrows(InvalidModelException.class, () -> ModelFiles.download(store, S3.bucket(), "absent"));
            assertTrue(
                    missing.getMessage().contains("s3://" + S3.bucket() + "/models/absent/model.json does not exist"),
                    missing.getMessage());
        }
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Files.writeString(directory.resolve(StoredModel.MODEL_FILE_NAME), "tree\n");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelFiles.read(directory));
        assertTrue(
                e.getMessage()
                        .contains(directory.resolve(ModelManifest.FILE_NAME).toString()),
                e.getMessage());
        InvalidModelException resource =
                assertThrows(InvalidModelException.class, () -> ModelFiles.readResource("/no-such-model"));
        assertTrue(resource.getMessage().contains("/no-such-model/model.txt"), resource.getMessage());
    }
}
