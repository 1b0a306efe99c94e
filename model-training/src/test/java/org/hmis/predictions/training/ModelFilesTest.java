package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.model.ModelManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {

    @TempDir
    Path directory;

    @Test
    void aWrittenModelReadsBackTheSame() throws Exception {
        ModelArtifact artifact = new ModelTrainer(new TrainingParameters(5, 0.1, 7, 3, 1, 0.2))
                .train("written", "v1", SyntheticTrainingData.generate(1_000, 3));
        ModelFiles.write(artifact, directory.resolve("written"));
        assertEquals(artifact, ModelFiles.read(directory.resolve("written")));
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Files.writeString(directory.resolve(ModelArtifact.MODEL_FILE_NAME), "tree\n");
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
