package org.hmis.predictions.wrangle;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * {@code POST /refresh} of the HTTP API, body empty or {@code {"runId": "..."}}: answers {@code 202} with the run id
 * and the keys the run will write, and does the work in a second invocation; a run id too far from now is answered
 * {@code 400}, one already used {@code 409}, a malformed body {@code 400} naming the problem, another method
 * {@code 405}, and {@code 503} when the run cannot be checked or queued.
 *
 * <p>Why the API does not wait for the work: API Gateway ends a request long before a wrangle of a large shelter is
 * done (docs/benchmarks.md has its times), and a slower database or a colder container would cross it
 * sooner. So the request only validates, picks the run id and queues an asynchronous invocation of this same
 * function ({@code InvocationType=Event}) carrying {@code {"runId": ..., "apiRequestId": ...}}, then answers 202.
 * Lambda runs the queued event as a direct invoke, retries it on failure (safe: a failed run may be started again,
 * and its earlier parts are removed first) and sends it to the function's failure destination after the retries;
 * {@code prediction_runs} records the run's lifecycle. A queued run that Lambda delivers late is refused like any
 * stale run id. The keys in the answer are the run's prefix, {@code wrangled/<runId>/}, with the parts' and rejected
 * file's names: the part count is known only once the guests are read. The function needs
 * {@code lambda:InvokeFunction} on itself (and, in a VPC without a NAT, a Lambda interface endpoint).
 */
final class RefreshRequests {
    static final String PATH = "/refresh";
    static final String RUN_ID = "runId";
    static final String API_REQUEST_ID = "apiRequestId";
    private static final Logger LOG = LoggerFactory.getLogger(RefreshRequests.class);

    private final WrangleStep step;
    private final Supplier<LambdaClient> lambda;

    /** {@code lambda}: the client the run is queued through, asked for at each request that queues one. */
    RefreshRequests(WrangleStep step, Supplier<LambdaClient> lambda) {
        this.step = step;
        this.lambda = lambda;
    }

    /** The function's Lambda client, built at the first request that needs it: scheduled and direct runs never do. */
    static Supplier<LambdaClient> lambdaClientOnFirstUse(PipelineConfig config) {
        return new Supplier<>() {
            private LambdaClient created;

            @Override
            public synchronized LambdaClient get() {
                if (created == null) {
                    created = LambdaClient.builder()
                            .httpClientBuilder(UrlConnectionHttpClient.builder())
                            .region(Region.of(config.storage().region()))
                            .build();
                }
                return created;
            }
        };
    }

    Map<String, Object> answer(Trigger.HttpRequest request, Context context) {
        if (!"POST".equals(request.method())) {
            return WrangleApi.error(
                    405, request.method() + " is not allowed on " + PATH + "; use POST", Map.of("allow", "POST"));
        }
        RunRequest run;
        try {
            run = requestedRunId(request.jsonBody()).orElseGet(RunRequest::newRun);
        } catch (InvalidTriggerException e) {
            return WrangleApi.error(400, e.getMessage(), Map.of());
        }
        RunId runId = run.runId();
        try {
            step.admit(run);
        } catch (RunRefusedException e) {
            return WrangleApi.error(
                    e.reason() == RunRefusedException.Reason.BAD_TIME ? 400 : 409, e.getMessage(), Map.of());
        } catch (SQLException e) {
            LOG.error("run {} could not be checked: {}", runId, e.getMessage(), e);
            return WrangleApi.error(503, "the refresh could not be started, try again: " + e.getMessage(), Map.of());
        }
        if (context == null || context.getInvokedFunctionArn() == null) {
            throw new IllegalStateException("POST " + PATH + " queues an invocation of this function, "
                    + "which needs the Lambda context's function ARN");
        }
        try {
            // Event: Lambda queues the invocation and answers 202 at once; it retries the run on failure.
            InvokeResponse queued = lambda.get()
                    .invoke(invoke -> invoke.functionName(context.getInvokedFunctionArn())
                            .invocationType(InvocationType.EVENT)
                            .payload(SdkBytes.fromByteArray(selfInvocation(runId, request.requestId()))));
            if (queued.statusCode() != 202) {
                throw SdkException.create("Lambda answered " + queued.statusCode() + " instead of 202", null);
            }
        } catch (SdkException e) {
            LOG.error("run {} could not be started: {}", runId, e.getMessage(), e);
            return WrangleApi.error(503, "the refresh could not be started, try again: " + e.getMessage(), Map.of());
        }
        LOG.info("run {} queued for API request {}", runId, request.requestId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", runId.value());
        body.put("status", "accepted");
        body.put("bucket", step.bucket());
        body.put("prefix", RunKeys.wrangledRunPrefix(runId));
        body.put("parts", RunKeys.wrangledRunPrefix(runId) + "part-NNNNN.csv");
        body.put("rejected", RunKeys.rejectedKey(runId));
        return TriggerJson.httpResponse(202, body);
    }

    /** The body's run id, if it names one; the body may hold nothing else. */
    private static Optional<RunRequest> requestedRunId(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(RUN_ID)) {
                throw new InvalidTriggerException(
                        "the request body has an unknown field '" + name + "'; it may hold only " + RUN_ID);
            }
        }
        JsonNode runId = body.get(RUN_ID);
        if (runId == null || runId.isNull()) {
            return Optional.empty();
        }
        if (!runId.isTextual()) {
            throw new InvalidTriggerException(
                    RUN_ID + " must be a string like 20261123T101500Z-3f9a, was " + runId.getNodeType());
        }
        return Optional.of(RunRequest.parseCallerRunId(runId.asText()));
    }

    private static byte[] selfInvocation(RunId runId, String apiRequestId) {
        try {
            return TriggerJson.MAPPER.writeValueAsBytes(Map.of(RUN_ID, runId.value(), API_REQUEST_ID, apiRequestId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the invocation payload", e);
        }
    }
}
