package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hmis.predictions.common.model.ModelManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LightGbmLibraryTest {

    @Test
    void loadsOnThisMachine() throws Exception {
        assertEquals("loaded", probe(Map.of()));
    }

    @Test
    void predictorLoadsAModelInAJvmWhereNothingElseLoadedLightGbm(@TempDir Path modelDirectory) throws Exception {
        StoredModel model = new ModelTrainer(new TrainingParameters(5, 0.1, 7, 1, 1, 0.2))
                .train("m", "v1", SyntheticTrainingData.generate(1_000, 1));
        Files.writeString(modelDirectory.resolve(StoredModel.MODEL_FILE_NAME), model.modelText());
        Files.writeString(
                modelDirectory.resolve(ModelManifest.FILE_NAME),
                model.manifest().toJson());
        assertEquals("loaded and predicted 5 probabilities", probe(Map.of(), modelDirectory.toString()));
    }

    @Test
    void saysWhatTheLibraryNeedsWhenItCannotLoad(@TempDir Path emptyDirectory) throws Exception {
        // lightgbm4j loads from this directory instead of its jar when the variable is set; there is nothing there.
        String output = probe(Map.of("LIGHTGBM_NATIVE_LIB_PATH", emptyDirectory.toString()));
        assertTrue(output.startsWith("refused: LightGBM's native library did not load on "), output);
        assertTrue(output.contains("glibc 2.29 or newer"), output);
        assertTrue(output.contains("libgomp"), output);
    }

    /** Runs {@link NativeLoadProbe} in a fresh JVM, since a JVM loads a native library at most once. */
    private static String probe(Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), NativeLoadProbe.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("LIGHTGBM_NATIVE_LIB_PATH");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        return output.lines()
                .filter(line -> line.startsWith("loaded") || line.startsWith("refused: "))
                .findFirst()
                .orElse(output);
    }
}
