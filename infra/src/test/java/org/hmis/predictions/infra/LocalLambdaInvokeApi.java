package org.hmis.predictions.infra;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Lambda's Invoke API on loopback: it accepts asynchronous invocations ({@code X-Amz-Invocation-Type:
 * Event}) with 202, as Lambda does, and keeps them queued until the test runs them, as Lambda would later.
 */
final class LocalLambdaInvokeApi implements AutoCloseable {
    private static final Pattern INVOCATIONS_PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

    /** An event queued for a function (its name or ARN, as the caller gave it). */
    @SuppressWarnings("ArrayRecordComponent") // a captured request body, read by the test, never compared
    record QueuedEvent(String function, byte[] payload) {}

    private final HttpServer server;
    private final List<QueuedEvent> queued = new ArrayList<>();

    LocalLambdaInvokeApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        server.createContext("/", exchange -> {
            byte[] payload = exchange.getRequestBody().readAllBytes();
            Matcher path = INVOCATIONS_PATH.matcher(exchange.getRequestURI().getRawPath());
            boolean asynchronous = "Event".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
            boolean signed = exchange.getRequestHeaders().getFirst("Authorization") != null;
            int status;
            if (!"POST".equals(exchange.getRequestMethod()) || !path.matches()) {
                status = 404;
            } else if (!asynchronous || !signed) {
                status = 400;
            } else {
                synchronized (queued) {
                    queued.add(new QueuedEvent(URLDecoder.decode(path.group(1), StandardCharsets.UTF_8), payload));
                }
                status = 202;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    URI endpoint() {
        return URI.create("http://" + server.getAddress().getHostString() + ":"
                + server.getAddress().getPort());
    }

    /** The events queued since the last call, oldest first. */
    List<QueuedEvent> takeQueued() {
        synchronized (queued) {
            List<QueuedEvent> taken = List.copyOf(queued);
            queued.clear();
            return taken;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
