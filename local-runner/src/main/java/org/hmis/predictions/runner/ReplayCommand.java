package org.hmis.predictions.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Replays the events in the stack's dead-letter queue ({@code FailedInvocationsQueue}): each message Lambda wrote
 * there for an asynchronous invocation that failed all its retries (an OnFailure destination record) is invoked
 * again, asynchronously, on the function it names with the payload it had, and deleted only once Lambda accepted
 * that invoke. Messages of any other shape, and those whose invoke failed, stay in the queue.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Invoke again each failed event in the dead-letter queue (stack output FailedInvocationsQueueUrl) on the "
                    + "function it names, with its original payload, and delete it once Lambda accepted the invoke. "
                    + "Credentials and region as the AWS CLI finds them (AWS_PROFILE, AWS_REGION, ...).",
            "Fix the cause first: a replayed event that fails again comes back to the queue after its retries."
        })
final class ReplayCommand implements Callable<Integer> {
    /** While a run lasts, a message it read (and left) is not handed to it again. */
    private static final int VISIBILITY_SECONDS = 300;

    private static final int MOST_PER_RUN = 1000;
    private static final int PAYLOAD_SHOWN = 300;

    @Option(
            names = "--queue",
            required = true,
            description = "The queue's URL (stack output FailedInvocationsQueueUrl).")
    String queueUrl;

    @Option(
            names = "--dry-run",
            description = "List the messages and what each would invoke; invoke and delete nothing.")
    boolean dryRun;

    @Option(
            names = "--max",
            defaultValue = "100",
            description = "Read at most this many messages (1 to " + MOST_PER_RUN + ", default ${DEFAULT-VALUE}).")
    int max;

    @Option(
            names = "--endpoint-url",
            description =
                    "Send SQS and Lambda requests here instead of AWS (a local emulator), as the AWS CLI's option.")
    URI endpoint;

    private final PrintStream out;
    private final PrintStream err;

    ReplayCommand() {
        this(System.out, System.err);
    }

    /** With given streams, as a test runs it. */
    ReplayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** What one message asks for: the function Lambda invoked, the event it was given, and why it failed. */
    record FailedInvocation(String functionArn, String payload, String event, String failure) {
        /** The message's body as Lambda's OnFailure record; empty when it is not one. */
        static Optional<FailedInvocation> of(String body) {
            JsonNode record;
            try {
                record = TriggerJson.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
            if (record == null) {
                return Optional.empty();
            }
            JsonNode function = record.path("requestContext").path("functionArn");
            JsonNode payload = record.path("requestPayload");
            if (!function.isTextual() || function.asText().isEmpty() || payload.isMissingNode()) {
                return Optional.empty();
            }
            String condition = record.path("requestContext").path("condition").asText("unknown");
            JsonNode response = record.path("responsePayload");
            String error = response.isObject()
                    ? response.path("errorType").asText("") + ": "
                            + response.path("errorMessage").asText("")
                    : response.asText("");
            return Optional.of(new FailedInvocation(
                    function.asText(),
                    payload.toString(),
                    describe(payload),
                    error.isBlank() ? condition : condition + ", " + error));
        }

        /** An S3 event by the objects it names (what a person looks for); anything else as its JSON, shortened. */
        private static String describe(JsonNode payload) {
            List<String> objects = new ArrayList<>();
            payload.path("Records").forEach(r -> {
                JsonNode s3 = r.path("s3");
                if (s3.isObject()) {
                    objects.add("s3://" + s3.path("bucket").path("name").asText() + "/"
                            + s3.path("object").path("key").asText());
                }
            });
            if (!objects.isEmpty()) {
                return String.join(" ", objects);
            }
            String json = payload.toString();
            return json.length() > PAYLOAD_SHOWN ? json.substring(0, PAYLOAD_SHOWN) + "..." : json;
        }
    }

    @Override
    public Integer call() {
        if (max < 1 || max > MOST_PER_RUN) {
            err.println("replay: --max must be 1 to " + MOST_PER_RUN + ", was " + max);
            return 2;
        }
        try (SqsClient sqs = configure(SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()))
                        .build();
                LambdaClient lambda = configure(
                                LambdaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()))
                        .build()) {
            return replay(sqs, lambda);
        } catch (SdkException e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
    }

    private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>> B configure(B builder) {
        return endpoint == null ? builder : builder.endpointOverride(endpoint);
    }

    private int replay(SqsClient sqs, LambdaClient lambda) {
        Set<String> seen = new HashSet<>();
        List<Message> left = new ArrayList<>();
        int replayed = 0;
        while (seen.size() < max) {
            int batch = Math.min(10, max - seen.size());
            ReceiveMessageResponse received = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(batch)
                    .visibilityTimeout(VISIBILITY_SECONDS)
                    .waitTimeSeconds(1));
            List<Message> fresh = received.messages().stream()
                    .filter(m -> seen.add(m.messageId()))
                    .toList();
            if (fresh.isEmpty()) {
                break;
            }
            for (Message message : fresh) {
                if (replayOne(sqs, lambda, message)) {
                    replayed++;
                } else {
                    left.add(message);
                }
            }
        }
        // What was left (all of it on a dry run) is visible again at once, for the next look or run.
        for (Message message : left) {
            sqs.changeMessageVisibility(r ->
                    r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
        }
        out.println((dryRun ? "dry run: " : "") + "read " + seen.size() + ", replayed " + replayed + ", left "
                + left.size() + " in the queue" + (seen.size() == max ? " (stopped at --max " + max + ")" : ""));
        return dryRun || left.isEmpty() ? 0 : 1;
    }

    /** True when the message's event was accepted by Lambda again and the message deleted. */
    private boolean replayOne(SqsClient sqs, LambdaClient lambda, Message message) {
        Optional<FailedInvocation> parsed = FailedInvocation.of(message.body());
        if (parsed.isEmpty()) {
            out.println("left     " + message.messageId()
                    + "  not a Lambda failure record (no requestContext.functionArn and requestPayload)");
            return false;
        }
        FailedInvocation failed = parsed.get();
        String shown = failed.event();
        if (dryRun) {
            out.println("would    " + message.messageId() + "  " + failed.functionArn() + "  (" + failed.failure()
                    + ")  " + shown);
            return false;
        }
        try {
            InvokeResponse response = lambda.invoke(r -> r.functionName(failed.functionArn())
                    .invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(failed.payload())));
            if (response.statusCode() == null || response.statusCode() != 202) {
                out.println("left     " + message.messageId() + "  " + failed.functionArn() + "  Lambda answered "
                        + response.statusCode() + ", not 202");
                return false;
            }
        } catch (SdkException e) {
            out.println("left     " + message.messageId() + "  " + failed.functionArn() + "  invoke failed: "
                    + e.getMessage());
            return false;
        }
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        out.println("replayed " + message.messageId() + "  " + failed.functionArn() + "  " + shown);
        return true;
    }
}
