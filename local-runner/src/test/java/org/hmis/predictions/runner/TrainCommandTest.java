package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.training.ClassificationMetrics;
import org.hmis.predictions.training.GroupMetrics;
import org.hmis.predictions.training.HouseholdRisk;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        CommandErrorsTest.Outcome outcome = CommandErrorsTest.run(System.getenv(), args.toArray(String[]::new));
        return new Run(outcome.exit(), outcome.out(), outcome.err());
    }

    @Test
    void trainsOnGeneratedGuestsReportsBesideTheBaselineAndReproducesTheModel() throws Exception {
        Path first = directory.resolve("first");
        Run run = train("--generate", "3000", "--iterations", "10", "--seed", "3", "--out", first.toString());
        assertEquals(0, run.exitCode(), run.err());
        StoredModel model = ModelFiles.read(first);
        assertEquals("exit-destination", model.manifest().modelName());
        assertEquals(FeatureSpec.V3.featureNames(), model.manifest().features(), "v3 is the default");
        assertEquals("10", model.manifest().lightGbmParameters().get("num_iterations"));
        assertEquals(
                ModelManifest.RiskModel.notPermanentHousing(),
                model.manifest().risk().orElseThrow());
        assertTrue(model.riskModelText().contains("objective=binary"));
        HouseholdRisk risk = HouseholdRisk.of(model.manifest()).orElseThrow();
        assertEquals(model.manifest().testRows(), risk.households(), "under v3 each row is a household");
        assertTrue(
                run.out()
                        .contains(String.format(
                                "on %,d held-out households: AUC %.3f, precision among the 10%% most at risk %.3f",
                                risk.households(), risk.auc(), risk.precisionTop10pct())),
                run.out());
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
        assertEquals(
                Files.readString(first.resolve("risk-model.txt")),
                Files.readString(second.resolve("risk-model.txt")),
                "and the same risk model");
    }

    @Test
    void trainsOnSpecV2WithoutProtectedAttributesAndReportsEveryGroupAllTheSame() throws Exception {
        Path out = directory.resolve("v2");
        Run run = train("--generate", "3000", "--iterations", "10", "--spec", "v2", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        StoredModel model = ModelFiles.read(out);
        assertEquals("v2", model.manifest().featureSpecVersion());
        assertEquals(FeatureSpec.V2.featureNames(), model.manifest().features());
        assertTrue(
                run.out().contains("on feature specification v2 (" + FeatureSpec.V2.size() + " features"), run.out());
        GroupMetrics groups = GroupMetrics.of(model.manifest()).orElseThrow();
        assertEquals(
                List.of("race", "ethnicity", "gender", "household_type", "age_band_at_entry"),
                List.copyOf(groups.attributes().keySet()),
                "measured by race, ethnicity and gender although it does not read them");
        assertTrue(run.out().contains("By group on held-out households (groups under 30 rows withheld"), run.out());
        GroupMetrics.Scores female = groups.attributes().get("gender").groups().get("Female");
        assertTrue(
                run.out()
                        .contains(String.format(
                                "      Female %s %,7d %9.3f",
                                " ".repeat(44 - 4 - "Female".length() - 1), female.rows(), female.accuracy())),
                run.out());
        assertTrue(run.out().contains("too small to report"), run.out());
        assertTrue(run.out().contains("accuracy gap "), run.out());
        assertEquals(
                model.manifest().features(),
                model.manifest().drift().orElseThrow().featureNames());

        Run unknown = train("--generate", "100", "--spec", "v9", "--out", out.toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(
                unknown.err().contains("unknown feature specification version 'v9'; known versions: v1, v2, v3"),
                unknown.err());
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
