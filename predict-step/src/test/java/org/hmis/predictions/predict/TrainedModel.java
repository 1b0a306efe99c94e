package org.hmis.predictions.predict;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.synthetic.SyntheticWrangledPart;
import org.hmis.predictions.training.ExitedGuests;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.TrainingParameters;

/** The tests' inputs: a real model trained on generated guests in a real database, and wrangled parts in real S3. */
final class TrainedModel {
    static final LocalDate AS_OF = LocalDate.of(2026, 11, 23);

    private TrainedModel() {}

    /** A small model (few rounds) trained on the exited guests among {@code guests} generated ones. */
    static StoredModel train(TestPostgres pg, String table, long guests, long seed, int iterations, String name)
            throws Exception {
        SqlIdentifier guestsTable = SqlIdentifier.of(table);
        try (Connection c = pg.connect()) {
            GuestsTable.create(c, guestsTable);
            new org.hmis.predictions.synthetic.GuestLoader(generator(seed)).load(c, guestsTable, guests);
            return new ModelTrainer(new TrainingParameters(iterations, 0.1, 15, (int) seed, 2, 0.2))
                    .train(
                            name,
                            FeatureSpec.V1.version(),
                            ExitedGuests.read(c, guestsTable, FeatureSpec.V1, ExitDestinationClasses.defaults())
                                    .data());
        }
    }

    static GuestGenerator generator(long seed) {
        return GuestGenerator.builder().seed(seed).asOf(AS_OF).build();
    }

    /** A wrangled part of {@code guests} generated guests, as the wrangle step writes it. */
    static byte[] wrangledPart(long guests, long seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            SyntheticWrangledPart.write(generator(seed), guests, FeatureSpec.V1, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static ObjectStore objectStore(TestS3 s3) {
        return ObjectStore.create(new StorageSettings(
                s3.bucket(),
                s3.bucket(),
                s3.region(),
                Optional.of(s3.endpoint()),
                Optional.of(new StorageSettings.AccessKeys(s3.accessKey(), s3.secretKey(), null))));
    }

    /** Puts an object as the wrangle step does, with the feature specification in the metadata unless null. */
    static void putWrangled(ObjectStore store, String bucket, String key, byte[] content, String specVersion) {
        try (ObjectUpload upload = store.upload(bucket, key)) {
            upload.write(content);
            upload.commit(specVersion == null ? Map.of() : Map.of(ObjectMetadata.FEATURE_SPEC_VERSION, specVersion));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
