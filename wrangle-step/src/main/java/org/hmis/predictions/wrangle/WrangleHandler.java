package org.hmis.predictions.wrangle;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.StepHandler;
import org.hmis.predictions.lambda.logging.RunFields;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Lambda entry point of the wrangle step. It accepts:
 * <ul>
 *   <li>an EventBridge schedule (a rule's "Scheduled Event" and its {@code time}, or a Scheduler target's
 *       {@code {"trigger":"schedule","scheduledTime":...}}): wrangles under the run id derived from the schedule's time
 *       ({@link RunId#forSchedule}), so a retry or a second delivery of one night's schedule finds its run, and
 *       returns the {@link WrangleStep.Summary};</li>
 *   <li>a direct invoke, {@code {}} or {@code {"runId": "..."}}: the same, under a new run id, or the given one if
 *       it is new and recent by the database's clock ({@link RunRequest}; else the invocation fails saying why); the
 *       run {@code POST /refresh} queued is such an invoke;</li>
 *   <li>the HTTP API ({@link WrangleApi}): {@code POST /refresh}, {@code GET /runs/latest} and
 *       {@code GET /runs/{runId}}.</li>
 * </ul>
 *
 * <p>Before the SnapStart snapshot a night's schedule is read and the driver's, the pool's and the S3 requests'
 * classes loaded; then every connection is closed and the credentials forgotten. Nothing is sent to S3 or the
 * database, so no AWS credentials are resolved either.
 */
public final class WrangleHandler extends StepHandler<RunRequest, WrangleStep.Summary> {
    private static final Logger LOG = LoggerFactory.getLogger(WrangleHandler.class);

    private final WrangleStep step;
    private final WrangleApi api;

    /** Built once per container: configuration checked, pool and S3 client created before the first event. */
    public WrangleHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    WrangleHandler(PipelineConfig config) {
        this(config, RefreshRequests.lambdaClientOnFirstUse(config));
    }

    /** With the Lambda client POST /refresh queues its run through. */
    WrangleHandler(PipelineConfig config, Supplier<LambdaClient> lambda) {
        super(WrangleMetrics.MODULE, WrangleStep.STEP, new WrangleMetrics());
        ObjectStore store = ObjectStore.create(config.storage());
        Database database = Database.connect(config.database(), (bucket, key) -> store.readBytes(bucket, key));
        this.step = WrangleStep.from(config, database, store);
        this.api = new WrangleApi(new RefreshRequests(step, lambda), new RunStatusRequests(database.dataSource()));
        primeWith(Priming.of(Priming.SCHEDULE_EVENT, this::request)
                .loading(Database::loadClasses, ObjectStore::loadRequestClasses)
                .releasing(database::release));
    }

    @Override
    protected Object answer(Trigger trigger, Context context) {
        if (trigger instanceof Trigger.HttpRequest request) {
            return api.answer(request, context);
        }
        return super.answer(trigger, context);
    }

    @Override
    protected RunRequest request(Trigger trigger) {
        if (trigger instanceof Trigger.ObjectsCreated) {
            throw new InvalidTriggerException("wrangle-step takes a schedule, a direct invoke or POST "
                    + RefreshRequests.PATH + ", not " + trigger.getClass().getSimpleName());
        }
        RunRequest request = RunRequest.of(trigger, WrangleStep.STEP, WrangleMetrics.MODULE);
        if (trigger instanceof Trigger.Direct direct) {
            direct.text(RefreshRequests.API_REQUEST_ID)
                    .ifPresent(
                            id -> LOG.info("run {} was requested through the API (request {})", request.runId(), id));
        }
        return request;
    }

    @Override
    protected RunFields runFields(RunRequest request) {
        return RunFields.of(request);
    }

    @Override
    protected WrangleStep.Summary runStep(RunRequest request, Deadline deadline) throws SQLException, IOException {
        return step.run(request, deadline);
    }

    @Override
    protected String failing(RunRequest request) {
        return "wrangling run " + request.runId();
    }
}
