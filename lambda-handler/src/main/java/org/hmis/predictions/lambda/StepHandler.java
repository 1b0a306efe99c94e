package org.hmis.predictions.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hmis.predictions.lambda.logging.InvocationFields;
import org.hmis.predictions.lambda.logging.RunFields;
import org.hmis.predictions.lambda.metrics.InvocationMetrics;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * What every function's handler does around its step: parses the trigger, takes the invocation's remaining time as
 * the step's {@link Deadline}, runs the step, publishes its metrics (or, before the invocation fails, its failure's)
 * and writes the step's answer as JSON. Every log line of the invocation carries its fields ({@link InvocationFields}:
 * request id, function version, cold start, step, and the run and part the request names), and a container's first
 * invocation publishes {@value StepMetrics#COLD_START}. A function's handler says only what is its own: what its step
 * takes from a trigger ({@link #request}), the run and part that names ({@link #runFields}), how it runs
 * ({@link #runStep}), what a checked failure was doing ({@link #failing}), its metrics, and its SnapStart priming
 * ({@link #primeWith}).
 *
 * <p>A subclass builds its clients, pool and step in its constructor, once per container, as Lambda builds the
 * handler once and calls it for every event; outside Lambda (no context) there is no deadline.
 *
 * @param <T> what the step is asked to do
 * @param <R> what the step answers
 */
public abstract class StepHandler<T, R> implements RequestStreamHandler {
    private final String function;
    private final String step;
    private final InvocationMetrics<T, R> metrics;
    /** Set by the first invocation; a container restored from SnapStart's snapshot starts with it unset too. */
    private final AtomicBoolean invoked = new AtomicBoolean();

    private Priming priming;

    /**
     * @param function the function's module, the metrics' dimension outside Lambda and the name errors give
     * @param step the step the function runs, as its log lines name it
     * @param metrics what an invocation publishes
     */
    protected StepHandler(String function, String step, InvocationMetrics<T, R> metrics) {
        this.function = Objects.requireNonNull(function);
        this.step = Objects.requireNonNull(step);
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) {
        boolean coldStart = !invoked.getAndSet(true);
        InvocationFields.begin(context, step, coldStart);
        try {
            if (coldStart) {
                StepMetrics.forInvocation(context, function).publish(StepMetrics.coldStart());
            }
            TriggerJson.write(output, answer(Trigger.parse(input), context));
        } finally {
            InvocationFields.end();
        }
    }

    /**
     * The answer to {@code trigger}: the step's, run on what the trigger asks for. A function that answers some
     * triggers without its step (an HTTP route) overrides this.
     */
    protected Object answer(Trigger trigger, Context context) {
        return invoke(request(trigger), context);
    }

    /** What the step is asked to do by {@code trigger}; a trigger the function does not take is refused naming it. */
    protected abstract T request(Trigger trigger);

    /** The run and part {@code request} names, which the invocation's log lines carry from then on. */
    protected abstract RunFields runFields(T request);

    /** Runs the step on {@code request}, stopping cleanly by {@code deadline}. */
    protected abstract R runStep(T request, Deadline deadline) throws Exception;

    /**
     * What the step was doing, for the message of a checked failure: {@code "<failing> failed: <cause>"}. By default
     * the function's name.
     */
    protected String failing(T request) {
        return function;
    }

    /**
     * Runs the step within the invocation's time and publishes what it did. A failure is published and thrown again:
     * unchecked as it was, checked wrapped (an {@link IOException} in an {@link UncheckedIOException}, others in an
     * {@link IllegalStateException}) with a message that says what failed, so Lambda reports the invocation failed.
     */
    protected final R invoke(T request, Context context) {
        InvocationFields.about(runFields(request));
        // The invocation's remaining time bounds every statement; outside Lambda there is no context and no deadline.
        Deadline deadline =
                context == null ? Deadline.NONE : Deadline.ofRemainingMillis(context.getRemainingTimeInMillis());
        StepMetrics published = StepMetrics.forInvocation(context, function);
        long started = System.nanoTime();
        R result;
        try {
            result = runStep(request, deadline);
        } catch (RuntimeException e) {
            published.publish(metrics.failed(request, e, started));
            throw e;
        } catch (IOException e) {
            published.publish(metrics.failed(request, e, started));
            throw new UncheckedIOException(failing(request) + " failed: " + e.getMessage(), e);
        } catch (Exception e) {
            published.publish(metrics.failed(request, e, started));
            throw new IllegalStateException(failing(request) + " failed: " + e.getMessage(), e);
        }
        published.publish(metrics.of(result, started));
        return result;
    }

    /**
     * Registers the handler's SnapStart hook for as long as the handler lives; the constructor calls it once its
     * step is built.
     */
    protected final void primeWith(Priming hook) {
        if (priming != null) {
            throw new IllegalStateException(function + " registered its SnapStart hook already");
        }
        priming = Priming.register(hook);
    }

    /** The SnapStart hook the handler registered: Lambda runs it before the snapshot, tests run it directly. */
    public final Priming priming() {
        if (priming == null) {
            throw new IllegalStateException(function + " registered no SnapStart hook");
        }
        return priming;
    }
}
