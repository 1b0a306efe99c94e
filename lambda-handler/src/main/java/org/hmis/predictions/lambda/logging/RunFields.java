package org.hmis.predictions.lambda.logging;

import java.util.List;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.RunRequest;

/**
 * What a step's request names for the invocation's log lines ({@link InvocationFields}): the run, and the part's key
 * when the request is one part; either is null when the request does not say.
 */
public record RunFields(String runId, String partKey) {
    /** A run to start (remove, wrangle). */
    public static RunFields of(RunRequest request) {
        return new RunFields(request.runId().value(), null);
    }

    /**
     * Parts to process (predict, update): their run when they are all of one, and the key when there is one part.
     */
    public static RunFields ofParts(List<ObjectRef> parts) {
        List<String> runs = parts.stream()
                .map(part -> RunKeys.parsePart(part.key())
                        .map(p -> p.runId().value())
                        .orElse(""))
                .distinct()
                .toList();
        String runId = runs.size() == 1 && !runs.get(0).isEmpty() ? runs.get(0) : null;
        return new RunFields(runId, parts.size() == 1 ? parts.get(0).key() : null);
    }
}
