package org.hmis.predictions.remove;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.trigger.InvalidTriggerException;
import org.hmis.predictions.common.trigger.Trigger;
import org.hmis.predictions.common.trigger.TriggerJson;

/** Lambda entry point: an EventBridge schedule or a direct invoke ({@code {}} or {@code {"runId": "..."}}). */
public final class RemoveExitedHandler implements RequestStreamHandler {
    private final RemoveExitedStep step;

    /** Built once per container: configuration checked and the pool created before the first event. */
    public RemoveExitedHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    RemoveExitedHandler(PipelineConfig config) {
        this.step = RemoveExitedStep.from(config, Database.connect(config.database()));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Trigger trigger = Trigger.parse(input);
        RunId runId;
        if (trigger instanceof Trigger.Scheduled) {
            runId = RunId.newRun();
        } else if (trigger instanceof Trigger.Direct direct) {
            runId = direct.text("runId").map(RunId::parse).orElseGet(RunId::newRun);
        } else {
            throw new InvalidTriggerException("remove-exited-predictions takes a schedule or a direct invoke, not "
                    + trigger.getClass().getSimpleName());
        }
        try {
            TriggerJson.write(output, step.run(runId));
        } catch (SQLException e) {
            throw new IllegalStateException("marking exited guests failed: " + e.getMessage(), e);
        }
    }
}
