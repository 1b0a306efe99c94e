package org.hmis.predictions.lambda.tracing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.xray.interceptors.TracingInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A function's S3 calls against a real S3 API, made in a JVM of their own ({@link S3CallsInAFunction}) with the
 * environment Lambda gives a function (its task root, the invocation's trace header, the X-Ray daemon's address, here
 * a UDP socket of this test) and the template's {@value SdkCallTracing#TRACING}: with tracing on each call reaches the
 * daemon as a subsegment of the invocation's trace; with it off nothing does, no class of X-Ray is loaded and nothing
 * is logged as an error.
 */
class SdkCallTracingTest {
    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final String ROOT = "1-5759e988-bd862e3fe1be46a994272793";
    private static final String PARENT = "53995c3f42cd8ad8";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path taskRoot;

    @Test
    void withTracingOnEachS3CallOfAnInvocationIsASubsegmentOfItsTrace() throws Exception {
        try (DatagramSocket daemon = daemon()) {
            String output = runInAFunction(invocation(daemon, "Active"));
            List<JsonNode> subsegments = received(daemon);

            assertEquals(
                    List.of("PutObject", "GetObject"),
                    subsegments.stream()
                            .map(s -> s.path("aws").path("operation").asText())
                            .toList(),
                    subsegments.toString());
            for (JsonNode subsegment : subsegments) {
                assertEquals("subsegment", subsegment.path("type").asText(), subsegment.toString());
                assertEquals("S3", subsegment.path("name").asText(), subsegment.toString());
                assertEquals("aws", subsegment.path("namespace").asText(), subsegment.toString());
                assertEquals(ROOT, subsegment.path("trace_id").asText(), "in the invocation's trace");
                assertEquals(PARENT, subsegment.path("parent_id").asText(), "under the function's segment");
                assertEquals(
                        S3.bucket(), subsegment.path("aws").path("bucket_name").asText(), subsegment.toString());
                assertEquals(
                        S3CallsInAFunction.KEY,
                        subsegment.path("aws").path("key").asText());
                assertEquals(
                        200,
                        subsegment.path("http").path("response").path("status").asInt(),
                        subsegment.toString());
                assertTrue(subsegment.path("end_time").asDouble()
                        >= subsegment.path("start_time").asDouble());
            }
            assertTrue(output.contains("com.amazonaws.xray."), "the class-load log shows X-Ray's classes when on");
            assertNoErrorLogged(output);
        }
    }

    @Test
    void withTracingDisabledNothingIsSentNoClassOfXRayIsLoadedAndNoErrorLogged() throws Exception {
        for (String off : new String[] {"Disabled", null}) {
            try (DatagramSocket daemon = daemon()) {
                Map<String, String> environment = invocation(daemon, off);
                String output = runInAFunction(environment);

                assertEquals(List.of(), received(daemon), "tracing " + off + " sends nothing");
                assertFalse(output.contains("com.amazonaws.xray."), "tracing " + off + " loads no class of X-Ray");
                assertNoErrorLogged(output);
            }
        }
    }

    /**
     * Without an invocation's trace header (outside Lambda; in Lambda, outside an invocation, where no step makes a
     * call) the calls go through, nothing is recorded and no error is logged.
     */
    @Test
    void withTracingOnButNoTraceTheCallsAreNotRecordedAndNoErrorLogged() throws Exception {
        for (boolean inLambda : new boolean[] {false, true}) {
            try (DatagramSocket daemon = daemon()) {
                Map<String, String> environment = new HashMap<>();
                environment.put(SdkCallTracing.TRACING, "Active");
                environment.put("AWS_XRAY_DAEMON_ADDRESS", address(daemon));
                if (inLambda) {
                    environment.put("LAMBDA_TASK_ROOT", taskRoot.toString());
                }
                String output = runInAFunction(environment);

                assertEquals(List.of(), received(daemon), inLambda ? "in Lambda" : "outside Lambda");
                assertNoErrorLogged(output);
            }
        }
    }

    @Test
    void theModeIsTheTemplatesTracingAndAnyOtherValueIsRefusedNamingTheVariable() {
        assertFalse(SdkCallTracing.traces(null));
        assertFalse(SdkCallTracing.traces(""));
        assertFalse(SdkCallTracing.traces("Disabled"));
        assertTrue(SdkCallTracing.traces("Active"));
        assertTrue(SdkCallTracing.traces("PassThrough"));
        ConfigurationException refused =
                assertThrows(ConfigurationException.class, () -> SdkCallTracing.traces("active"));
        assertTrue(refused.getMessage().startsWith("TRACING is 'active'"), refused.getMessage());
        assertDoesNotThrow(() -> new SdkCallTracing("Disabled"));
    }

    /** A newer X-Ray whose interceptor implements one more method would otherwise lose that method's work. */
    @Test
    void everyMethodOfXRaysInterceptorIsPassedOn() throws NoSuchMethodException {
        List<String> checked = new ArrayList<>();
        for (Method method : TracingInterceptor.class.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())) {
                ExecutionInterceptor.class.getMethod(method.getName(), method.getParameterTypes());
                Method passedOn = SdkCallTracing.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
                assertEquals(method.getReturnType(), passedOn.getReturnType(), method.getName());
                checked.add(method.getName());
            }
        }
        assertTrue(checked.contains("beforeExecution") && checked.contains("afterExecution"), checked.toString());
    }

    /** What Lambda gives a function during an invocation, with {@code tracing} as the template's variable. */
    private Map<String, String> invocation(DatagramSocket daemon, String tracing) {
        Map<String, String> environment = new HashMap<>();
        if (tracing != null) {
            environment.put(SdkCallTracing.TRACING, tracing);
        }
        environment.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        environment.put("_X_AMZN_TRACE_ID", "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1");
        environment.put("AWS_XRAY_DAEMON_ADDRESS", address(daemon));
        return environment;
    }

    private static DatagramSocket daemon() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(300);
        return socket;
    }

    private static String address(DatagramSocket daemon) {
        return daemon.getLocalAddress().getHostAddress() + ":" + daemon.getLocalPort();
    }

    /**
     * Runs {@link S3CallsInAFunction} with exactly {@code environment}, logging each class it loads; its output. The
     * calls are over when it exits: whatever it sent is then in the daemon's socket.
     */
    private static String runInAFunction(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xlog:class+load=info",
                        "-cp",
                        System.getProperty("java.class.path"),
                        S3CallsInAFunction.class.getName(),
                        S3.endpoint().toString(),
                        S3.region(),
                        S3.accessKey(),
                        S3.secretKey(),
                        S3.bucket())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path log = Files.createTempFile("s3-calls-", ".log");
        try {
            Process process = builder.redirectOutput(log.toFile()).start();
            assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the function's JVM did not end");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains(S3CallsInAFunction.DONE), output);
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The documents the daemon's socket received, in order: each datagram is X-Ray's header line, then one. */
    private static List<JsonNode> received(DatagramSocket daemon) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        byte[] buffer = new byte[65_536];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                daemon.receive(packet);
            } catch (SocketTimeoutException e) {
                return documents;
            }
            String datagram = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            String[] lines = datagram.split("\n", 2);
            assertEquals(2, lines.length, datagram);
            assertEquals("json", JSON.readTree(lines[0]).path("format").asText(), datagram);
            documents.add(JSON.readTree(lines[1]));
        }
    }

    /** No log line at ERROR and none about a missing segment (the JVM's class-load lines are not log lines). */
    private static void assertNoErrorLogged(String output) {
        List<String> errors = output.lines()
                .filter(line -> !line.contains("[class,load]"))
                .filter(line -> line.contains("ERROR") || line.contains("SegmentNotFoundException"))
                .toList();
        assertEquals(List.of(), errors, output);
    }
}
