package org.hmis.predictions.predict;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * Lambda entry point: an S3 ObjectCreated event for {@code wrangled/} (several records; keys URL-encoded) or a direct
 * invoke {@code {"bucket": "...", "key": "wrangled/<runId>/part-00000.csv"}}. Answers with the step's summary.
 */
public final class PredictHandler implements RequestStreamHandler {
    private final PredictStep step;
    final PredictPriming priming = PredictPriming.register();

    /** Built once per container: the configuration checked before the first event. */
    public PredictHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    PredictHandler(PipelineConfig config) {
        this.step = PredictStep.from(config, ObjectStore.create(config.storage()));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Trigger trigger = Trigger.parse(input);
        if (!(trigger instanceof Trigger.ObjectsCreated created)) {
            throw new InvalidTriggerException("predict-step takes an S3 ObjectCreated event for wrangled/ or a direct "
                    + "invoke {\"bucket\": ..., \"key\": \"wrangled/<runId>/part-NNNNN.csv\"}, not "
                    + trigger.getClass().getSimpleName());
        }
        StepMetrics metrics = StepMetrics.forInvocation(context, PredictMetrics.MODULE);
        long started = System.nanoTime();
        PredictStep.Summary summary;
        try {
            summary = step.run(created.objects());
        } catch (PredictFailedException e) {
            metrics.publish(PredictMetrics.of(e.summary(), started));
            throw e;
        }
        metrics.publish(PredictMetrics.of(summary, started));
        TriggerJson.write(output, summary);
    }
}
