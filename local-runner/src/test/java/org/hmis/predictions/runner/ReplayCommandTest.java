package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hmis.predictions.localservices.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code replay} against a real SQS and Lambda API (moto's server): the queue holds messages shaped like Lambda's
 * OnFailure destination records, the functions they name exist in moto, and the test reads back what is left in the
 * queue and which functions were invoked (moto creates a function's log group when it is invoked). Skipped only
 * where moto is not installed and CI is not set; under CI its absence fails.
 */
class ReplayCommandTest {
    private static final String ACCOUNT = "123456789012";
    private static final String ROLE = "replayed-function";
    private static final Map<String, String> SDK_PROPERTIES = Map.of(
            "aws.region", "us-east-1",
            "aws.accessKeyId", "testing",
            "aws.secretAccessKey", "testing");
    private static final Map<String, String> PREVIOUS = new HashMap<>();

    private static MotoServer moto;
    private static SqsClient sqs;
    private static LambdaClient lambda;
    private static CloudWatchLogsClient logs;

    @BeforeAll
    static void start() throws IOException {
        Optional<Path> executable = MotoServer.executable();
        if (executable.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail("moto_server is not installed, and CI is set: install moto[server] (pip install 'moto[server]')");
            }
            Assumptions.abort("moto_server is not installed (pip install 'moto[server]'): replay needs a real SQS and"
                    + " Lambda API");
        }
        moto = MotoServer.start(executable.get());
        SDK_PROPERTIES.forEach((name, value) -> {
            PREVIOUS.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        sqs = SqsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .build();
        lambda = LambdaClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .build();
        logs = CloudWatchLogsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .build();
        try (IamClient iam = IamClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(moto.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials)
                .build()) {
            iam.createRole(
                            r -> r.roleName(ROLE)
                                    .assumeRolePolicyDocument(
                                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                                                    + "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
                    .role();
        }
    }

    @AfterAll
    static void stop() {
        if (moto == null) {
            return;
        }
        sqs.close();
        lambda.close();
        logs.close();
        moto.close();
        PREVIOUS.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void eachFailedEventIsInvokedAgainOnItsFunctionAndTheQueueIsEmptyAfter() {
        String predict = function("replay-predict-step");
        String update = function("replay-update-db-step");
        String notNamed = function("replay-wrangle-step");
        String queue = queue();
        send(queue, failureRecord(predict, s3Event("wrangled/20261207T021500Z-3f9a/part-00000.csv")));
        send(queue, failureRecord(update, s3Event("predictions/20261207T021500Z-3f9a/part-00000.csv")));

        Run run = replay("--queue", queue);

        assertEquals(0, run.exitCode(), run.output());
        assertEquals(2, run.lines("replayed ").size(), run.output());
        assertTrue(run.output().contains("read 2, replayed 2, left 0 in the queue"), run.output());
        Set<String> invoked = invokedFunctions();
        assertTrue(invoked.containsAll(Set.of(predict, update)), "each record's function: " + invoked);
        assertTrue(!invoked.contains(notNamed), "and no other: " + invoked);
        assertEquals(List.of(), receiveAll(queue), "every replayed message is deleted");
    }

    @Test
    void aFailingInvokeOrAForeignMessageStaysInTheQueueAndTheRestIsReplayed() {
        String update = function("replay-left-update-db-step");
        String queue = queue();
        String missing = "replay-no-such-step";
        send(queue, failureRecord(missing, s3Event("wrangled/20261207T021500Z-3f9a/part-00001.csv")));
        send(queue, "{\"trigger\":\"schedule\",\"scheduledTime\":\"2026-12-07T07:15:00Z\"}");
        send(queue, failureRecord(update, s3Event("predictions/20261207T021500Z-3f9a/part-00001.csv")));

        Run run = replay("--queue", queue);

        assertEquals(1, run.exitCode(), "something was left: " + run.output());
        assertEquals(1, run.lines("replayed ").size(), run.output());
        List<String> left = run.lines("left ");
        assertEquals(2, left.size(), run.output());
        assertTrue(left.stream().anyMatch(l -> l.contains(missing) && l.contains("invoke failed")), run.output());
        assertTrue(left.stream().anyMatch(l -> l.contains("not a Lambda failure record")), run.output());
        // Left messages are visible again at once, unchanged.
        List<String> remaining = receiveAll(queue).stream().map(Message::body).toList();
        assertEquals(2, remaining.size(), remaining.toString());
        assertTrue(remaining.stream().anyMatch(b -> b.contains(missing)), remaining.toString());
        assertTrue(remaining.stream().noneMatch(b -> b.contains(update)), "the replayed one is gone: " + remaining);
        assertTrue(invokedFunctions().contains(update));
        assertTrue(!invokedFunctions().contains(missing));
    }

    @Test
    void aDryRunListsWhatItWouldInvokeAndInvokesAndDeletesNothing() {
        String name = function("replay-dry-run-step");
        String queue = queue();
        String key = "wrangled/20261207T021500Z-3f9a/part-00002.csv";
        send(queue, failureRecord(name, s3Event(key)));

        Run run = replay("--queue", queue, "--dry-run");

        assertEquals(0, run.exitCode(), run.output());
        List<String> would = run.lines("would ");
        assertEquals(1, would.size(), run.output());
        assertTrue(would.get(0).contains(arn(name)), would.get(0));
        assertTrue(would.get(0).contains(key), "the payload is shown: " + would.get(0));
        assertTrue(would.get(0).contains("RetriesExhausted"), "why it failed: " + would.get(0));
        assertTrue(!invokedFunctions().contains(name), "a dry run invokes nothing");
        assertEquals(1, receiveAll(queue).size(), "a dry run deletes nothing");
    }

    @Test
    void aRunStopsAtItsBound() {
        String predict = function("replay-bounded-predict-step");
        String queue = queue();
        for (int part = 0; part < 3; part++) {
            send(queue, failureRecord(predict, s3Event("wrangled/20261207T021500Z-3f9a/part-0000" + part + ".csv")));
        }

        Run run = replay("--queue", queue, "--max", "2");

        assertEquals(0, run.exitCode(), run.output());
        assertEquals(2, run.lines("replayed ").size(), run.output());
        assertTrue(run.output().contains("stopped at --max 2"), run.output());
        assertEquals(1, receiveAll(queue).size(), "the third waits for the next run");
        assertEquals(2, replay("--queue", queue, "--max", "0").exitCode(), "a bound below 1 is refused");
    }

    /** What the command printed, and its exit code. */
    record Run(int exitCode, String output) {
        List<String> lines(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    private static Run replay(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--endpoint-url=" + moto.endpoint());
        int exit = new CommandLine(new ReplayCommand(out, out)).execute(all.toArray(String[]::new));
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    private static String function(String name) {
        lambda.createFunction(r -> r.functionName(name)
                .runtime(Runtime.PYTHON3_12)
                .role("arn:aws:iam::" + ACCOUNT + ":role/" + ROLE)
                .handler("handler.handle")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip()))));
        return name;
    }

    private static String queue() {
        return sqs.createQueue(r -> r.queueName("failed-" + UUID.randomUUID())).queueUrl();
    }

    private static void send(String queue, String body) {
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body));
    }

    /** Every message the queue hands out now (each then invisible for a minute, which outlasts the test). */
    private static List<Message> receiveAll(String queue) {
        List<Message> all = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            List<Message> batch = sqs.receiveMessage(
                            r -> r.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(60))
                    .messages();
            if (batch.isEmpty()) {
                break;
            }
            all.addAll(batch);
        }
        return all;
    }

    private static Set<String> invokedFunctions() {
        Set<String> invoked = new TreeSet<>();
        for (LogGroup group : logs.describeLogGroups(r -> r.logGroupNamePrefix("/aws/lambda/"))
                .logGroups()) {
            invoked.add(group.logGroupName().substring("/aws/lambda/".length()));
        }
        return invoked;
    }

    private static String arn(String function) {
        return "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:" + function + ":$LATEST";
    }

    /**
     * A record as Lambda writes it to an OnFailure destination after the last retry: the invoked (qualified) ARN, the
     * event as the function got it, and the function's error. moto cannot invoke a published version or alias, so
     * these name {@code $LATEST}; the stack's triggers name the alias {@code live}, which replay invokes the same way.
     */
    private static String failureRecord(String function, String event) {
        return """
                {"version":"1.0","timestamp":"2026-12-07T07:21:03.118Z",\
                "requestContext":{"requestId":"%s","functionArn":"%s",\
                "condition":"RetriesExhausted","approximateInvokeCount":3},\
                "requestPayload":%s,\
                "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},\
                "responsePayload":{"errorMessage":"the database refused the connection",\
                "errorType":"java.lang.IllegalStateException"}}""".formatted(UUID.randomUUID(), arn(function), event);
    }

    private static String s3Event(String key) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",\
                "eventTime":"2026-12-07T07:20:41.000Z","eventName":"ObjectCreated:Put",\
                "s3":{"s3SchemaVersion":"1.0","bucket":{"name":"exit-destination-123456789012-us-east-1-0b1c2d3e",\
                "arn":"arn:aws:s3:::exit-destination-123456789012-us-east-1-0b1c2d3e"},\
                "object":{"key":"%s","size":2048}}}]}""".formatted(key);
    }

    private static byte[] zip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("handler.py"));
            zip.write("def handle(event, context):\n    return event\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
