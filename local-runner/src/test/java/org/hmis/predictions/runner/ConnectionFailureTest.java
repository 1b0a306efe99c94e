package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The commands that reach the database, pointed at a port where nothing listens: each says at once which database it
 * could not reach and the driver's reason on one line, where the pool alone would wait and then say only that it timed out.
 */
class ConnectionFailureTest {
    private static int closedPort;
    private static Map<String, String> environment;

    @BeforeAll
    static void findAClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        environment = Map.of(
                "RDS_HOST", "127.0.0.1",
                "RDS_PORT", String.valueOf(closedPort),
                "RDS_DB_NAME", "shelter",
                "RDS_USERNAME", "pipeline",
                "RDS_USER_PWD", "not-shown",
                "DB_SSL_MODE", "disable",
                "S3_BUCKET", "guests-bucket",
                "S3_ENDPOINT", "http://127.0.0.1:" + closedPort,
                "AWS_ACCESS_KEY_ID", "local",
                "AWS_SECRET_ACCESS_KEY", "local-secret");
    }

    private record Outcome(int exit, String err, Duration took) {}

    private static Outcome execute(String... args) {
        long start = System.nanoTime();
        CommandErrorsTest.Outcome outcome = CommandErrorsTest.run(environment, args);
        assertEquals(1, outcome.line().lines().count());
        return new Outcome(outcome.exit(), outcome.err(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static void assertNamesTheDatabaseAndTheCause(String command, Outcome outcome) {
        assertEquals(1, outcome.exit(), command + ": " + outcome.err());
        assertTrue(
                outcome.err()
                        .contains("cannot connect to the database 127.0.0.1:" + closedPort + "/shelter as pipeline"),
                command + ": " + outcome.err());
        assertTrue(outcome.err().contains("Connection refused"), command + ": " + outcome.err());
        assertTrue(!outcome.err().contains("not-shown"), command + " shows the password: " + outcome.err());
        assertTrue(outcome.took().compareTo(Duration.ofSeconds(5)) < 0, command + " took " + outcome.took());
    }

    @Test
    void statusSaysWhichDatabaseRefusedAndWhy() {
        assertNamesTheDatabaseAndTheCause("status", execute("status"));
    }

    @Test
    void setupSaysWhichDatabaseRefusedAndWhy() {
        Outcome setup = execute("setup");
        assertNamesTheDatabaseAndTheCause("setup", setup);
        assertTrue(setup.err().startsWith("setup failed: "), setup.err());
    }

    @Test
    void runSaysWhichDatabaseRefusedAndWhy() {
        assertNamesTheDatabaseAndTheCause("run --step all", execute("run", "--step", "all"));
    }
}
