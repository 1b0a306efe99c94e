package org.hmis.predictions.lambda.metrics;

import java.util.List;

/**
 * What a function publishes of one invocation of its step (docs/architecture.md, "Metrics"): records from the step's
 * result, or, before the invocation fails, from its failure. {@link org.hmis.predictions.lambda.StepHandler} publishes
 * them.
 *
 * @param <T> what the step was asked to do
 * @param <R> what the step answers
 */
public interface InvocationMetrics<T, R> {
    /** The records of a step that answered {@code result}; {@code startedNanos} is when it began. */
    List<StepMetrics.Line> of(R result, long startedNanos);

    /** The records of a step that failed with {@code failure}, as the step threw it; none when there is nothing to say. */
    List<StepMetrics.Line> failed(T request, Exception failure, long startedNanos);
}
