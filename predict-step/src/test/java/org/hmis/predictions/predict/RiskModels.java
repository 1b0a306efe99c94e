package org.hmis.predictions.predict;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.GuestKey;
import org.hmis.predictions.common.s3.ObjectStore;
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

    /** A model trained with its risk model, as training makes them. */
    record Trained(StoredModel model) {
        String name() {
            return model.manifest().modelName();
        }

        String riskModelText() {
            return model.riskModelText();
        }
    }

    /** Loads {@code guests} generated guests into a new {@code table}. */
    static void load(TestPostgres pg, String table, long guests, long seed) throws Exception {
        try (Connection c = pg.connect()) {
            GuestsTable.create(c, SqlIdentifier.of(table));
            new GuestLoader(TrainedModel.generator(seed)).load(c, SqlIdentifier.of(table), guests);
        }
    }

    /** Trains both models of {@code spec} on the guests of {@code table} who left, as training does. */
    static Trained train(TestPostgres pg, String table, FeatureSpec spec, int iterations, long seed, String name)
            throws Exception {
        try (Connection c = pg.connect()) {
            StoredModel model = new ModelTrainer(new TrainingParameters(iterations, 0.1, 15, (int) seed, 2, 0.2))
                    .train(
                            name,
                            spec.version(),
                            ExitedGuests.read(c, SqlIdentifier.of(table), spec, ExitDestinationClasses.defaults())
                                    .data());
            if (model.manifest().risk().isEmpty()) {
                throw new IllegalStateException("training made no risk model");
            }
            return new Trained(model);
        }
    }

    /** Both models under {@code models/<name>/}, as training stores them. */
    static void upload(Trained trained, ObjectStore store, String bucket) {
        ModelFiles.upload(trained.model(), store, bucket);
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
