package org.hmis.predictions.lambda.tracing;

import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.interceptors.TracingInterceptor;
import com.amazonaws.xray.strategy.IgnoreErrorContextMissingStrategy;
import org.hmis.predictions.common.config.ConfigurationException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Records every AWS SDK call of a function (S3, Secrets Manager, Lambda) as an X-Ray subsegment of the invocation's
 * trace when the function's tracing is on: {@value #TRACING} set to {@code Active} or {@code PassThrough}, as the
 * template sets it from its Tracing parameter. The SDK adds one to every client it builds, from this module's global
 * interceptors file ({@code software/amazon/awssdk/global/handlers/execution.interceptors}), so no client is built
 * differently for it. With tracing off ({@code Disabled}, or the variable unset) it passes each call through as it is
 * and loads nothing of X-Ray.
 *
 * <p>The subsegments go over UDP to the X-Ray daemon Lambda runs beside a traced function, under the invocation's
 * trace header, each as the call ends; they name the service, the operation and, for S3, the bucket and key: nothing
 * of a guest. A call outside any trace (outside Lambda, there is none) is not recorded, and not logged as an error.
 */
public final class SdkCallTracing implements ExecutionInterceptor {
    /** The function's tracing mode: {@code Disabled} (also when unset), {@code PassThrough} or {@code Active}. */
    public static final String TRACING = "TRACING";

    private static final ExecutionInterceptor UNTRACED = new ExecutionInterceptor() {};

    private final ExecutionInterceptor calls;

    /** As the SDK builds it for a client: tracing as the function's environment says. */
    public SdkCallTracing() {
        this(System.getenv(TRACING));
    }

    /** Tracing as {@code mode} (a value of {@value #TRACING}, or null for unset) says. */
    SdkCallTracing(String mode) {
        this.calls = traces(mode) ? Recording.INTERCEPTOR : UNTRACED;
    }

    /** Whether {@code mode} turns tracing on; a value the template's Tracing parameter does not allow is refused. */
    static boolean traces(String mode) {
        if (mode == null || mode.isEmpty() || mode.equals("Disabled")) {
            return false;
        }
        if (mode.equals("Active") || mode.equals("PassThrough")) {
            return true;
        }
        throw new ConfigurationException(
                TRACING + " is '" + mode + "': it must be Disabled, PassThrough or Active (the template's Tracing)");
    }

    /**
     * X-Ray's interceptor and its recorder, built once, by the first client of a function whose tracing is on: a
     * class of its own so that with tracing off no class of X-Ray is loaded.
     */
    private static final class Recording {
        // The recorder reads the daemon's address from AWS_XRAY_DAEMON_ADDRESS, which Lambda sets. Ignoring a missing
        // context is only the default: AWS_XRAY_CONTEXT_MISSING, if set, wins.
        static final ExecutionInterceptor INTERCEPTOR = new TracingInterceptor(
                AWSXRayRecorderBuilder.standard()
                        .withContextMissingStrategy(new IgnoreErrorContextMissingStrategy())
                        .build(),
                null,
                null);
    }

    // The methods X-Ray's TracingInterceptor implements, each passed on (SdkCallTracingTest checks it is all of them).

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
        calls.beforeExecution(context, executionAttributes);
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(
            Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
        return calls.modifyHttpRequest(context, executionAttributes);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        calls.beforeTransmission(context, executionAttributes);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes executionAttributes) {
        calls.afterExecution(context, executionAttributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes executionAttributes) {
        calls.onExecutionFailure(context, executionAttributes);
    }
}
