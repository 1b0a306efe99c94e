package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A program the template checks run (cfn-lint, Python with aws-sam-translator). A build server must have it: under
 * {@code CI} a missing tool fails the test (the workflow installs them); on a developer's machine it skips it, with
 * a message saying what to install.
 */
final class ExternalTool {
    /** What a program printed, and how it ended. */
    record Run(int exitCode, String output) {}

    private ExternalTool() {}

    /** The program on the PATH; fails under CI, skips elsewhere, when it is missing. */
    static Path require(String program, String install) {
        Optional<Path> found = onPath(program);
        requirePresent(found.isPresent(), program + " is not on the PATH: " + install);
        return found.orElseThrow();
    }

    /** Fails under CI, skips elsewhere, unless {@code present}. */
    static void requirePresent(boolean present, String missing) {
        if (System.getenv("CI") != null) {
            assertTrue(present, "CI is set but " + missing);
        }
        assumeTrue(present, missing);
    }

    /** Runs a program to its end (at most five minutes), its error output merged into its output. */
    static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .directory(Template.DIRECTORY.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
