package org.hmis.predictions.localservices;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalPostgresWatchdogTest {

    @Test
    void theServerStopsWhenItsJvmIsKilledOutright() throws IOException, InterruptedException, ExecutionException {
        Process jvm = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalPostgresInAnotherJvm.class.getName())
                .redirectErrorStream(true)
                .start();
        Path directory = null;
        ProcessHandle postmaster = null;
        try {
            directory = awaitReady(jvm);
            assertNotNull(directory, "the other JVM never said it was ready");
            long pid = Long.parseLong(Files.readAllLines(directory.resolve("data/postmaster.pid"))
                    .get(0)
                    .trim());
            postmaster = ProcessHandle.of(pid).orElseThrow();

            jvm.destroyForcibly().waitFor();

            try {
                postmaster.onExit().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("PostgreSQL (pid " + pid + ") still runs a minute after its JVM was killed");
            }
            assertTrue(!postmaster.isAlive());
        } finally {
            jvm.destroyForcibly();
            Optional.ofNullable(postmaster).ifPresent(ProcessHandle::destroyForcibly);
            if (directory != null) {
                delete(directory);
            }
        }
    }

    private static Path awaitReady(Process jvm) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = output.readLine()) != null; ) {
            if (line.startsWith(LocalPostgresInAnotherJvm.READY)) {
                return Path.of(line.substring(LocalPostgresInAnotherJvm.READY.length()));
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the other JVM ended without starting PostgreSQL:\n" + seen);
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
