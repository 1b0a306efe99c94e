package org.hmis.predictions.benchmarks;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM beside one function's jar, as Lambda's runtime would: builds the handler (the container's init)
 * and answers one event (its first invocation), printing the wall-clock time after each so the parent process can
 * tell init from first invocation. With {@code --bare} it prints the time at once: the floor a JVM with the same
 * flags starts in. Only the JDK and the function's own jar are on the classpath.
 */
public final class ColdStartProbe {
    /** Printed before the time the handler was built. */
    static final String INIT_DONE = "init-done ";
    /** Printed before the time the first invocation answered. */
    static final String INVOKE_DONE = "invoke-done ";
    /** Printed before the time a bare JVM reached main. */
    static final String BARE = "bare ";

    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--bare")) {
            System.out.println(BARE + System.currentTimeMillis());
            return;
        }
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ColdStartProbe <handler class> <event file> | --bare");
        }
        RequestStreamHandler handler = Class.forName(args[0])
                .asSubclass(RequestStreamHandler.class)
                .getDeclaredConstructor()
                .newInstance();
        System.out.println(INIT_DONE + System.currentTimeMillis());
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (InputStream event = Files.newInputStream(Path.of(args[1]))) {
            handler.handleRequest(event, answer, null);
        }
        System.out.println(INVOKE_DONE + System.currentTimeMillis());
        System.out.println(answer.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
