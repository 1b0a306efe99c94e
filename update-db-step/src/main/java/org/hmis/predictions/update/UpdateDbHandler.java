package org.hmis.predictions.update;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.common.trigger.InvalidTriggerException;
import org.hmis.predictions.common.trigger.ObjectRef;
import org.hmis.predictions.common.trigger.Trigger;
import org.hmis.predictions.common.trigger.TriggerJson;

/**
 * Lambda entry point: an S3 ObjectCreated event for {@code predictions/} (one record per part, several per
 * event) or a direct invoke {@code {"bucket": "...", "key": "predictions/<runId>/part-NNNNN.csv"}}. Answers
 * {@code {"step": "update", "parts": [summary, ...]}}.
 *
 * <p>Every part of an event is tried, each in its own transaction; if any failed, the invocation fails
 * naming each failed part, so Lambda retries the event, and the parts that did apply report
 * "already-applied" the second time.
 */
public final class UpdateDbHandler implements RequestStreamHandler {
    private final UpdateDbStep step;
    private final ObjectStore store;

    /** Built once per container: configuration checked, pool and S3 client created before the first event. */
    public UpdateDbHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    UpdateDbHandler(PipelineConfig config) {
        this.store = ObjectStore.create(config.storage());
        this.step = new UpdateDbStep(Database.connect(config.database()).dataSource(), config.guestsTable());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Trigger trigger = Trigger.parse(input);
        if (!(trigger instanceof Trigger.ObjectsCreated created)) {
            throw new InvalidTriggerException("update-db-step takes an S3 ObjectCreated event or a direct invoke"
                    + " {\"bucket\", \"key\"}, not " + trigger.getClass().getSimpleName());
        }
        List<UpdateDbStep.Summary> parts = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ObjectRef object : created.objects()) {
            try {
                parts.add(step.apply(store, object));
            } catch (SQLException | RuntimeException e) {
                failures.add(object + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " of "
                    + created.objects().size() + " predictions parts were not applied: " + String.join("; ", failures));
        }
        TriggerJson.write(output, new Response(UpdateDbStep.STEP, parts));
    }

    /** The function's answer: one summary per part, in the event's order. */
    public record Response(String step, List<UpdateDbStep.Summary> parts) {}
}
