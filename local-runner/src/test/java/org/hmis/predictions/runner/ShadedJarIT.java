package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runner's jar as a person runs it, {@code java -jar local-runner.jar ...} in an environment without the
 * database's variables: only the command's one line on stderr, no SLF4J notice about which provider it chose (the
 * jar carries one) and no stack trace, and the exit code.
 */
class ShadedJarIT {
    private static final Path JAR = Path.of("target", "local-runner.jar");

    private record Outcome(int exit, String out, String err) {}

    private static Outcome java(String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by package, before this test");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("RDS_") || name.startsWith("DB_"));
        Path out = Files.createTempFile("local-runner-out", ".txt");
        Path err = Files.createTempFile("local-runner-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the runner did not end");
            Charset charset = Charset.defaultCharset();
            return new Outcome(process.exitValue(), Files.readString(out, charset), Files.readString(err, charset));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void assertOneLine(Outcome outcome, int exit, String expected) {
        assertEquals(exit, outcome.exit(), outcome.err());
        assertFalse(outcome.err().contains("SLF4J"), outcome.err());
        assertFalse(outcome.err().contains("\tat "), outcome.err());
        assertEquals(1, outcome.err().strip().lines().count(), outcome.err());
        assertTrue(outcome.err().contains(expected), outcome.err());
    }

    @Test
    void aFailureIsOneLineWithoutAnSlf4jNotice() throws Exception {
        assertOneLine(java("setup"), 1, "setup failed: RDS_HOST is not set");
        assertOneLine(java("status", "--jdbc-url", "postgres://x"), 2, "is not a PostgreSQL JDBC URL");
    }

    @Test
    void helpIsPlainTextWithTheExitCodes() throws Exception {
        Outcome help = java("--help");
        assertEquals(0, help.exit(), help.err());
        assertEquals("", help.err());
        assertTrue(help.out().contains("Exit codes:"), help.out());
    }
}
