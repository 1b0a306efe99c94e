package org.hmis.predictions.runner;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.remove.RemoveExitedStep;
import org.hmis.predictions.update.UpdateDbStep;
import org.hmis.predictions.wrangle.WrangleStep;

/**
 * The four steps built by the factories the functions use, from one configuration, run in order outside Lambda.
 * Steps meet only through S3 objects and the database, as in the cloud: each S3-triggered step is handed the
 * objects the step before it wrote, which is what the ObjectCreated event S3 sends would name.
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
        this.remove = RemoveExitedStep.from(config, database);
        this.wrangle = WrangleStep.from(config, database, store);
        this.predict = PredictStep.from(config, store);
        this.update = UpdateDbStep.from(config, database, store);
    }

    /** What one refresh did, step by step. */
    record Result(
            RemoveExitedStep.Summary remove,
            WrangleStep.Summary wrangle,
            PredictStep.Summary predict,
            UpdateDbStep.Result update) {}

    /** Applies the pipeline schema's migrations not yet applied, as {@code setup} does; returns how many ran. */
    int migrate() {
        return PipelineSchema.migrate(database.dataSource(), config);
    }

    ObjectStore store() {
        return store;
    }

    /** The pipeline's database: where runs are recorded, for the report. */
    Database database() {
        return database;
    }

    RemoveExitedStep.Summary remove(RunRequest run) throws SQLException {
        return remove.run(run, Deadline.NONE);
    }

    WrangleStep.Summary wrangle(RunRequest run) throws SQLException, IOException {
        return wrangle.run(run, Deadline.NONE);
    }

    PredictStep.Summary predict(List<ObjectRef> wrangled) {
        return predict.run(wrangled);
    }

    /** Applies every part, each in its own transaction, and fails naming the parts that failed, as the function does. */
    UpdateDbStep.Result update(List<ObjectRef> predictions) {
        return update.run(predictions);
    }

    /** remove, wrangle, then predict what wrangle wrote and update what predict wrote. */
    Result refresh(RunRequest run) throws SQLException, IOException {
        RemoveExitedStep.Summary removed = remove(run);
        WrangleStep.Summary wrangled = wrangle(run);
        PredictStep.Summary predicted = predict(wrangled.partObjects());
        UpdateDbStep.Result updated = update(predicted.parts().stream()
                .map(PredictStep.PartResult::predictions)
                .toList());
        return new Result(removed, wrangled, predicted, updated);
    }

    @Override
    public void close() {
        store.close();
        database.close();
    }
}
