package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.training.ClassificationMetrics;
import org.hmis.predictions.training.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The train command end to end: generated guests in PostgreSQL (the server of TEST_JDBC_URL when set, else embedded),
 * a model trained on them, written to a directory, the report printed.
 */
class TrainCommandTest {
    @TempDir
    Path directory;

    private record Run(int exitCode, String out, String err) {}

    private static Run train(String... arguments) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(arguments));
        String server = System.getenv("TEST_JDBC_URL");
        if (server != null && !server.isBlank()) {
            args.addAll(List.of("--jdbc-url", server));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new Main())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void trainsOnGeneratedGuestsReportsBesideTheBaselineAndReproducesTheModel() throws Exception {
        Path first = directory.resolve("first");
        Run run = train("--generate", "3000", "--iterations", "10", "--seed", "3", "--out", first.toString());
        assertEquals(0, run.exitCode(), run.err());
        ModelArtifact model = ModelFiles.read(first);
        assertEquals("exit-destination", model.manifest().modelName());
        assertEquals(FeatureSpec.V1.featureNames(), model.manifest().features());
        assertEquals("10", model.manifest().lightGbmParameters().get("num_iterations"));
        assertTrue(run.out().contains("Generated 3,000 guests (seed 3, as of 2026-11-23)"), run.out());
        assertTrue(
                run.out()
                        .contains(String.format(
                                "trained on %,d rows, held out %,d rows",
                                model.manifest().trainRows(), model.manifest().testRows())),
                run.out());
        assertTrue(
                run.out()
                        .contains(String.format(
                                "  accuracy                  %.3f      %.3f",
                                ClassificationMetrics.of(model.manifest()).accuracy(),
                                ClassificationMetrics.of(model.manifest()).majorityBaselineAccuracy())),
                run.out());
        assertTrue(run.out().contains("Confusion matrix (rows: actual class, columns: predicted class)"), run.out());

        Path second = directory.resolve("second");
        assertEquals(
                0,
                train("--generate", "3000", "--iterations", "10", "--seed", "3", "--out", second.toString())
                        .exitCode());
        assertEquals(
                Files.readString(first.resolve("model.txt")),
                Files.readString(second.resolve("model.txt")),
                "the same command trains the same model");
    }

    @Test
    void aMappingToAClassThatDoesNotExistIsNamed() throws Exception {
        Path mapping = Files.writeString(directory.resolve("mapping.json"), "{\"Safe Haven\": \"shelter\"}");
        Run run = train("--generate", "100", "--mapping", mapping.toString(), "--out", directory.toString());
        assertEquals(1, run.exitCode());
        assertTrue(
                run.err().contains("exit destination 'Safe Haven' maps to 'shelter', which is not a class"), run.err());
    }

    @Test
    void theModelGoesToADirectoryOrToS3NotBoth() {
        Run run = train("--generate", "100", "--out", directory.toString(), "--s3");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("mutually exclusive"), run.err());
    }
}
