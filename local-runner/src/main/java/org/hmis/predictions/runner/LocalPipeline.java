package org.hmis.predictions.runner;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.LightGbmLibrary;
import org.hmis.predictions.common.model.LightGbmPredictor;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.trigger.ObjectRef;
import org.hmis.predictions.common.trigger.S3EventJson;
import org.hmis.predictions.common.trigger.Trigger;
import org.hmis.predictions.predict.CurrentModel;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.remove.RemoveExitedStep;
import org.hmis.predictions.update.UpdateDbStep;
import org.hmis.predictions.wrangle.WrangleStep;

/**
 * The four steps wired as the functions wire them, from one configuration, run in order outside Lambda.
 * Steps meet only through S3 objects and the database, as in the cloud: each S3-triggered step is handed
 * the ObjectCreated event that S3 would send for what the step before it wrote.
 */
final class LocalPipeline implements AutoCloseable {
    private final PipelineConfig config;
    private final Database database;
    private final ObjectStore store;
    private final RemoveExitedStep remove;
    private final WrangleStep wrangle;
    private final PredictStep predict;
    private final UpdateDbStep update;

    LocalPipeline(PipelineConfig config) {
        this.config = config;
        this.database = Database.connect(config.database());
        this.store = ObjectStore.create(config.storage());
        this.remove = new RemoveExitedStep(database.dataSource(), config.guestsTable());
        this.wrangle = new WrangleStep(
                database.dataSource(),
                config.guestsTable(),
                store,
                config.storage().inputBucket(),
                config.partRows());
        LightGbmLibrary.ensureLoaded();
        CurrentModel model = new CurrentModel(
                store,
                config.storage().inputBucket(),
                config.modelName(),
                FeatureSpec.V1,
                PredictStep.DEFAULT_BATCH_ROWS,
                LightGbmPredictor.DEFAULT_THREADS);
        this.predict = new PredictStep(
                store, config.storage().outputBucket(), model, FeatureSpec.V1, PredictStep.DEFAULT_BATCH_ROWS);
        this.update = new UpdateDbStep(database.dataSource(), config.guestsTable());
    }

    /** What one refresh did, step by step. */
    record Result(
            RemoveExitedStep.Summary remove,
            WrangleStep.Summary wrangle,
            PredictStep.Summary predict,
            List<UpdateDbStep.Summary> update) {}

    Database database() {
        return database;
    }

    PipelineConfig config() {
        return config;
    }

    ObjectStore store() {
        return store;
    }

    RemoveExitedStep.Summary remove(RunId runId) throws SQLException {
        return remove.run(runId);
    }

    WrangleStep.Summary wrangle(RunId runId) throws SQLException, IOException {
        return wrangle.run(runId);
    }

    PredictStep.Summary predict(List<ObjectRef> wrangled) {
        return predict.run(wrangled);
    }

    List<UpdateDbStep.Summary> update(List<ObjectRef> predictions) throws SQLException {
        List<UpdateDbStep.Summary> applied = new ArrayList<>();
        for (ObjectRef part : predictions) {
            applied.add(update.apply(store, part));
        }
        return applied;
    }

    /** remove, wrangle, then predict and update on the S3 events their predecessors' objects raise. */
    Result refresh(RunId runId) throws SQLException, IOException {
        RemoveExitedStep.Summary removed = remove(runId);
        WrangleStep.Summary wrangled = wrangle(runId);
        PredictStep.Summary predicted = predict(objectsCreated(wrangled.bucket(), wrangled.parts()));
        List<UpdateDbStep.Summary> updated = update(objectsCreated(
                config.storage().outputBucket(),
                predicted.parts().stream()
                        .map(p -> ObjectRef.fromUri(p.predictions()).key())
                        .toList()));
        return new Result(removed, wrangled, predicted, updated);
    }

    /** The objects of the ObjectCreated event S3 would send for {@code keys}, parsed as a handler parses it. */
    static List<ObjectRef> objectsCreated(String bucket, List<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return ((Trigger.ObjectsCreated) Trigger.parse(S3EventJson.objectCreated(bucket, keys))).objects();
    }

    @Override
    public void close() {
        store.close();
        database.close();
    }
}
