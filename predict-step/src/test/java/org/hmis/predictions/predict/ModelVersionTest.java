package org.hmis.predictions.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.localservices.MotoServer;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.trees.WorkerPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * In a versioned bucket (moto's S3, which keeps versions; s3proxy does not), each predictions part names the S3
 * version of the model.txt that made it, and docs/deploy.md's rollback (copy an older version onto the current key) is
 * what the next part is predicted with. Skipped only where moto is not installed and CI is not set.
 */
class ModelVersionTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final String MODEL = "exit-destination";
    private static final String BUCKET = "versioned-models";

    private static MotoServer moto;
    private static ObjectStore store;

    @BeforeAll
    static void start() throws IOException {
        Optional<Path> executable = MotoServer.executable();
        if (executable.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail("moto_server is not installed, and CI is set: install moto[server] (pip install 'moto[server]')");
            }
            Assumptions.abort("moto_server is not installed (pip install 'moto[server]'): versioning needs its S3");
        }
        moto = MotoServer.start(executable.get());
        store = ObjectStore.create(new StorageSettings(
                BUCKET,
                BUCKET,
                "us-east-1",
                Optional.of(moto.endpoint()),
                Optional.of(new StorageSettings.AccessKeys("testing", "testing", null))));
        S3Client s3 = store.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putBucketVersioning(
                v -> v.bucket(BUCKET).versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void eachPartNamesTheModelVersionAndARollbackIsWhatPredictsNext() throws Exception {
        StoredModel first = TrainedModel.train(PG, "guests_first", 6_000, 3, 20, MODEL);
        StoredModel second = TrainedModel.train(PG, "guests_second", 6_000, 4, 20, MODEL);
        String modelKey = RunKeys.modelKey(MODEL);
        PredictStep step = new PredictStep(
                store,
                BUCKET,
                new ServedModel(store, BUCKET, MODEL),
                PredictStep.DEFAULT_BATCH_ROWS,
                Optional.empty(),
                WorkerPool.create(1));

        ModelFiles.upload(first, store, BUCKET);
        String firstVersion = currentVersion(modelKey);
        Map<String, String> byFirst = predictPart(step, 0);
        assertEquals(firstVersion, byFirst.get(ObjectMetadata.MODEL_VERSION), "the model.txt version that predicted");

        ModelFiles.upload(second, store, BUCKET);
        String secondVersion = currentVersion(modelKey);
        assertNotEquals(firstVersion, secondVersion);
        Map<String, String> bySecond = predictPart(step, 1);
        assertEquals(secondVersion, bySecond.get(ObjectMetadata.MODEL_VERSION));
        assertNotEquals(byFirst.get(ObjectMetadata.MODEL_ETAG), bySecond.get(ObjectMetadata.MODEL_ETAG));

        // docs/deploy.md's rollback: the older version of each file copied onto its key, manifest first.
        for (String key : new String[] {RunKeys.manifestKey(MODEL), modelKey}) {
            String previous = store
                    .client()
                    .listObjectVersions(l -> l.bucket(BUCKET).prefix(key))
                    .versions()
                    .stream()
                    .filter(v -> !v.isLatest())
                    .findFirst()
                    .orElseThrow()
                    .versionId();
            store.client()
                    .copyObject(c -> c.sourceBucket(BUCKET)
                            .sourceKey(key)
                            .sourceVersionId(previous)
                            .destinationBucket(BUCKET)
                            .destinationKey(key));
        }
        Map<String, String> afterRollback = predictPart(step, 2);
        assertEquals(
                byFirst.get(ObjectMetadata.MODEL_ETAG),
                afterRollback.get(ObjectMetadata.MODEL_ETAG),
                "the first model's content predicts again");
        assertEquals(currentVersion(modelKey), afterRollback.get(ObjectMetadata.MODEL_VERSION), "as a new version");
    }

    /** Predicts a small wrangled part numbered {@code number} of one run; the predictions part's metadata. */
    private static Map<String, String> predictPart(PredictStep step, int number) {
        RunId run = RunId.parse("20261123T101500Z-0a0a");
        String key = RunKeys.wrangledPart(run, number).key();
        TrainedModel.putWrangled(store, BUCKET, key, TrainedModel.wrangledPart(200, 7 + number), "v1");
        step.predict(new ObjectRef(BUCKET, key));
        return store.head(BUCKET, RunKeys.predictionsPart(run, number).key())
                .orElseThrow()
                .metadata();
    }

    private static String currentVersion(String key) {
        String version =
                store.client().headObject(h -> h.bucket(BUCKET).key(key)).versionId();
        assertNotNull(version, key + " has a version in a versioned bucket");
        return version;
    }
}
