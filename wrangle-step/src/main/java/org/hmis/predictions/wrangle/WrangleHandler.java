package org.hmis.predictions.wrangle;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.metrics.StepMetrics;
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
 * Lambda entry point of the wrangle step. It accepts:
 * <ul>
 *   <li>an EventBridge schedule (a rule's "Scheduled Event" and its {@code time}, or a Scheduler target's
 *       {@code {"trigger":"schedule","scheduledTime":...}}): wrangles under the run id derived from the schedule's time
 *       ({@link RunId#forSchedule}), so a retry or a second delivery of one night's schedule finds its run, and
 *       returns the {@link WrangleStep.Summary};</li>
 *   <li>a direct invoke, {@code {}} or {@code {"runId": "..."}}: the same, under a new run id, or the given one if
 *       it is new and made within 15 minutes of the database's clock (else the invocation fails saying why);</li>
 *   <li>API Gateway HTTP API {@code POST /refresh} (payload 2.0), body empty or {@code {"runId": "..."}}: answers
 *       {@code 202} with the run id and the keys the run will write, and does the work in a second invocation; a
 *       run id too far from now is answered {@code 400}, one already used {@code 409}.</li>
 *   <li>API Gateway HTTP API {@code GET /runs/latest} and {@code GET /runs/{runId}}: the run's status from
 *       {@code prediction_runs} ({@link RunStatusRequests}).</li>
 * </ul>
 *
 * <p>The invocation's remaining time ({@link Context#getRemainingTimeInMillis()}) is the step's {@link Deadline}: it
 * stops, and records the run failed, with a margin before Lambda would end it.
 *
 * <p>Why the API does not wait for the work: API Gateway ends a request after 30 seconds, and a wrangle grows with
 * the population (README's benchmark section has its times at a million guests), so a slower database, a colder
 * container or a larger shelter would cross it. So the API request only validates, picks the run id and queues an
 * asynchronous invocation of this same function ({@code InvocationType=Event}) carrying
 * {@code {"runId": ...}}, then answers 202. Lambda runs the queued event as a direct invoke, retries it on
 * failure (safe: a failed run may be started again, and its earlier parts are removed first) and sends it to the
 * function's failure destination after the retries; {@code prediction_runs} records the run's lifecycle. A queued
 * run that Lambda delivers more than 15 minutes late is refused like any stale run id. The keys in the answer are
 * the run's prefix, {@code wrangled/<runId>/}, with the parts' and rejected file's names: the part count is
 * known only once the guests are read. The function needs {@code lambda:InvokeFunction} on itself (and, in a
 * VPC without a NAT, a Lambda interface endpoint).
 *
 * <p>Another method on {@code /refresh} is answered 405, another path 404, a malformed body 400 naming the
 * problem; each with a JSON body {@code {"error": ...}}.
 */
public final class WrangleHandler implements RequestStreamHandler {
    private static final String REFRESH_PATH = "/refresh";
    private static final String RUN_ID = "runId";
    private static final String API_REQUEST_ID = "apiRequestId";
    private static final Logger LOG = LoggerFactory.getLogger(WrangleHandler.class);

    private final WrangleStep step;
    private final RunStatusRequests runStatus;
    private final Supplier<LambdaClient> lambda;
    final WranglePriming priming;

    /** Built once per container: configuration checked, pool and S3 client created before the first event. */
    public WrangleHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    WrangleHandler(PipelineConfig config) {
        this(
                config,
                lazily(() -> LambdaClient.builder()
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .region(Region.of(config.storage().region()))
                        .build()));
    }

    /** With the Lambda client POST /refresh queues its run through, created on the first request. */
    WrangleHandler(PipelineConfig config, Supplier<LambdaClient> lambda) {
        ObjectStore store = ObjectStore.create(config.storage());
        Database database = Database.connect(config.database(), (bucket, key) -> store.readBytes(bucket, key));
        this.step = WrangleStep.from(config, database, store);
        this.runStatus = new RunStatusRequests(database.dataSource());
        this.priming = WranglePriming.register(database);
        this.lambda = lambda;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Trigger trigger = Trigger.parse(input);
        if (trigger instanceof Trigger.HttpRequest request) {
            TriggerJson.write(output, answer(request, context));
            return;
        }
        if (trigger instanceof Trigger.ObjectsCreated) {
            throw new InvalidTriggerException("wrangle-step takes a schedule, a direct invoke or POST " + REFRESH_PATH
                    + ", not " + trigger.getClass().getSimpleName());
        }
        RunRequest request = RunRequest.of(trigger, WrangleStep.STEP, "wrangle-step");
        if (trigger instanceof Trigger.Direct direct) {
            direct.text(API_REQUEST_ID)
                    .ifPresent(
                            id -> LOG.info("run {} was requested through the API (request {})", request.runId(), id));
        }
        TriggerJson.write(
                output, run(request, deadline(context), StepMetrics.forInvocation(context, WrangleMetrics.MODULE)));
    }

    /** The invocation's remaining time; none when run outside Lambda (no context). */
    private static Deadline deadline(Context context) {
        return context == null ? Deadline.NONE : Deadline.ofRemainingMillis(context.getRemainingTimeInMillis());
    }

    private WrangleStep.Summary run(RunRequest request, Deadline deadline, StepMetrics metrics) {
        RunId runId = request.runId();
        long started = System.nanoTime();
        WrangleStep.Summary summary;
        try {
            summary = step.run(request, deadline);
        } catch (SQLException e) {
            metrics.publish(WrangleMetrics.failed(runId.value(), started));
            throw new IllegalStateException("wrangling run " + runId + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            metrics.publish(WrangleMetrics.failed(runId.value(), started));
            throw new UncheckedIOException("wrangling run " + runId + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            metrics.publish(WrangleMetrics.failed(runId.value(), started));
            throw e;
        }
        metrics.publish(WrangleMetrics.of(summary));
        return summary;
    }

    private Map<String, Object> answer(Trigger.HttpRequest request, Context context) {
        if (RunStatusRequests.isRunPath(request.path())) {
            return runStatus.answer(request);
        }
        if (!REFRESH_PATH.equals(request.path())) {
            return error(
                    404,
                    "no such resource: " + request.path() + "; the API has POST " + REFRESH_PATH + ", GET "
                            + RunStatusRequests.PREFIX + RunStatusRequests.LATEST + " and GET "
                            + RunStatusRequests.PREFIX + "{runId}",
                    Map.of());
        }
        if (!"POST".equals(request.method())) {
            return error(
                    405,
                    request.method() + " is not allowed on " + REFRESH_PATH + "; use POST",
                    Map.of("allow", "POST"));
        }
        RunRequest run;
        try {
            run = requestedRunId(request.jsonBody()).orElseGet(RunRequest::newRun);
        } catch (InvalidTriggerException e) {
            return error(400, e.getMessage(), Map.of());
        }
        RunId runId = run.runId();
        try {
            step.admit(run);
        } catch (RunRefusedException e) {
            return error(e.reason() == RunRefusedException.Reason.BAD_TIME ? 400 : 409, e.getMessage(), Map.of());
        } catch (SQLException e) {
            LOG.error("run {} could not be checked: {}", runId, e.getMessage(), e);
            return error(503, "the refresh could not be started, try again: " + e.getMessage(), Map.of());
        }
        if (context == null || context.getInvokedFunctionArn() == null) {
            throw new IllegalStateException("POST " + REFRESH_PATH + " queues an invocation of this function, "
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
            return error(503, "the refresh could not be started, try again: " + e.getMessage(), Map.of());
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

    /** An answer with the JSON body {@code {"error": message}} and any headers besides the content type. */
    static Map<String, Object> error(int status, String message, Map<String, String> extraHeaders) {
        Map<String, Object> response = new LinkedHashMap<>(TriggerJson.httpResponse(status, Map.of("error", message)));
        if (!extraHeaders.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, String> headers = new LinkedHashMap<>((Map<String, String>) response.get("headers"));
            headers.putAll(extraHeaders);
            response.put("headers", headers);
        }
        return response;
    }

    /** Creates the client on the first API request only: scheduled and direct runs never need it. */
    private static Supplier<LambdaClient> lazily(Supplier<LambdaClient> create) {
        return new Supplier<>() {
            private LambdaClient created;

            @Override
            public synchronized LambdaClient get() {
                if (created == null) {
                    created = create.get();
                }
                return created;
            }
        };
    }
}
