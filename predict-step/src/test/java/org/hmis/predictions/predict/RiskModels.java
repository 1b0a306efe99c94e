package org.hmis.predictions.predict;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.GuestKey;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lightgbm.LightGbmLibrary;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ExitedGuests;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.TrainingParameters;

/**
 * The tests' models with a risk model: the five-class model as training makes it, and beside it a LightGBM binary
 * model of not reaching permanent housing trained on the same exited rows, named in the manifest; and wrangled
 * parts read from the database as the wrangle step reads them, household features computed by the server.
 */
final class RiskModels {
    private RiskModels() {}

    /** A model and its risk model's text, the manifest naming the risk model. */
    record Trained(StoredModel model, String riskModelText) {
        String name() {
            return model.manifest().modelName();
        }
    }

    /** Loads {@code guests} generated guests into a new {@code table}. */
    static void load(TestPostgres pg, String table, long guests, long seed) throws Exception {
        try (Connection c = pg.connect()) {
            GuestsTable.create(c, SqlIdentifier.of(table));
            new GuestLoader(TrainedModel.generator(seed)).load(c, SqlIdentifier.of(table), guests);
        }
    }

    /** Trains both models of {@code spec} on the guests of {@code table} who left. */
    static Trained train(TestPostgres pg, String table, FeatureSpec spec, int iterations, long seed, String name)
            throws Exception {
        SqlIdentifier guestsTable = SqlIdentifier.of(table);
        try (Connection c = pg.connect()) {
            StoredModel model = new ModelTrainer(new TrainingParameters(iterations, 0.1, 15, (int) seed, 2, 0.2))
                    .train(
                            name,
                            spec.version(),
                            ExitedGuests.read(c, guestsTable, spec, ExitDestinationClasses.defaults())
                                    .data());
            String risk = trainRisk(c, guestsTable, spec, iterations, seed);
            return new Trained(
                    new StoredModel(
                            model.modelText(),
                            model.manifest().withRiskModel(ModelManifest.RiskModel.notPermanentHousing())),
                    risk);
        }
    }

    /** Both models under {@code models/<name>/}, as training stores them. */
    static void upload(Trained trained, ObjectStore store, String bucket) {
        ModelFiles.upload(trained.model(), store, bucket);
        store.putBytes(
                bucket,
                RunKeys.modelFileKey(
                        trained.name(),
                        trained.model().manifest().risk().orElseThrow().file()),
                trained.riskModelText().getBytes(StandardCharsets.UTF_8),
                "text/plain",
                Map.of());
    }

    /** A binary model of not reaching permanent housing on the exited rows (one per household for v3). */
    private static String trainRisk(Connection c, SqlIdentifier table, FeatureSpec spec, int iterations, long seed)
            throws Exception {
        GuestFeatures encoder = new GuestFeatures(spec);
        int width = encoder.inputColumns().size();
        int perm = ExitDestinationClasses.LABELS.indexOf("perm");
        ExitDestinationClasses classes = ExitDestinationClasses.defaults();
        double[] matrix = new double[1 << 12];
        float[] labels = new float[1 << 8];
        int rows = 0;
        double[] values = new double[spec.size()];
        try (PreparedStatement st = c.prepareStatement(FeatureQuery.exited(table, spec, List.of("exit_destination")));
                ResultSet rs = st.executeQuery()) {
            String[] row = new String[width];
            while (rs.next()) {
                for (int i = 0; i < width; i++) {
                    row[i] = rs.getString(i + 1);
                }
                OptionalInt label = classes.classIndex(rs.getString(width + 1));
                if (label.isEmpty()) {
                    continue;
                }
                encoder.encode(row, values);
                if ((rows + 1) * spec.size() > matrix.length) {
                    matrix = Arrays.copyOf(matrix, matrix.length * 2);
                }
                if (rows + 1 > labels.length) {
                    labels = Arrays.copyOf(labels, labels.length * 2);
                }
                System.arraycopy(values, 0, matrix, rows * spec.size(), spec.size());
                labels[rows++] = label.getAsInt() == perm ? 0 : 1;
            }
        }
        LightGbmLibrary.ensureLoaded();
        String parameters = "objective=binary num_leaves=15 learning_rate=0.1 seed=" + seed
                + " deterministic=true force_row_wise=true num_threads=2 verbosity=-1";
        try (LGBMDataset dataset = LGBMDataset.createFromMat(
                        Arrays.copyOf(matrix, rows * spec.size()), rows, spec.size(), true, parameters, null);
                LGBMBooster booster = createBooster(dataset, spec, Arrays.copyOf(labels, rows), parameters)) {
            for (int i = 0; i < iterations; i++) {
                if (booster.updateOneIter()) {
                    break;
                }
            }
            return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
        }
    }

    private static LGBMBooster createBooster(LGBMDataset dataset, FeatureSpec spec, float[] labels, String parameters)
            throws Exception {
        dataset.setFeatureNames(spec.featureNames().toArray(String[]::new));
        dataset.setField("label", labels);
        return LGBMBooster.create(dataset, parameters);
    }

    /** The current guests of {@code table} as a wrangled part of {@code spec}, as the wrangle step writes it. */
    static byte[] wrangledFromDatabase(TestPostgres pg, String table, FeatureSpec spec) throws Exception {
        GuestFeatures encoder = new GuestFeatures(spec);
        int width = encoder.inputColumns().size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = pg.connect();
                PreparedStatement st = c.prepareStatement(FeatureQuery.currentGuests(SqlIdentifier.of(table), spec));
                ResultSet rs = st.executeQuery()) {
            WrangledCsv.RowWriter writer = WrangledCsv.writer(out, spec.featureNames());
            String[] row = new String[width];
            double[] values = new double[spec.size()];
            while (rs.next()) {
                for (int i = 0; i < width; i++) {
                    row[i] = rs.getString(i + 1);
                }
                GuestKey key = encoder.encode(row, values);
                writer.write(key, values);
            }
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
