package org.hmis.predictions.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * moto's server ({@code moto_server}, Python), a real AWS API on loopback for the services this project calls that
 * s3proxy does not serve (Secrets Manager). Started by the test that needs it on a free port, stopped by
 * {@link #close()}: only this process is ever ended.
 */
public final class MotoServer implements AutoCloseable {
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** The {@code moto_server} executable on the PATH, if there is one. */
    public static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "moto_server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts moto's server on a free loopback port and waits until it accepts connections. */
    public static MotoServer start(Path executable) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("moto-server-", ".log");
        Process process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ServiceStartException("moto_server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                return new MotoServer(process, URI.create("http://127.0.0.1:" + port));
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroy();
                    throw new ServiceStartException("interrupted while moto_server started", e);
                }
            }
        }
        process.destroy();
        try (InputStream in = Files.newInputStream(log)) {
            throw new ServiceStartException("moto_server did not listen on port " + port + " within " + STARTUP_WAIT
                    + ": " + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
