package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * AWS's own template linter, where it is installed (`pip install cfn-lint`): it applies the SAM transform and
 * checks the result against CloudFormation's resource schemas, circular dependencies included.
 */
class CfnLintTest {

    @Test
    void cfnLintFindsNothingWrongWithTheTemplate() throws IOException, InterruptedException {
        Optional<Path> cfnLint = onPath("cfn-lint");
        // A build server must lint (the workflow installs cfn-lint); a developer's machine may lack it.
        if (System.getenv("CI") != null) {
            assertTrue(cfnLint.isPresent(), "CI is set but cfn-lint is not on the PATH: pip install cfn-lint");
        }
        assumeTrue(cfnLint.isPresent(), "cfn-lint is not installed: the template is not linted");
        Process lint = new ProcessBuilder(cfnLint.get().toString(), "--", Template.FILE.toString())
                .redirectErrorStream(true)
                .start();
        byte[] output = lint.getInputStream().readAllBytes();
        if (!lint.waitFor(5, TimeUnit.MINUTES)) {
            lint.destroyForcibly();
            throw new AssertionError("cfn-lint did not finish in 5 minutes");
        }
        assertEquals(0, lint.exitValue(), "cfn-lint:\n" + new String(output, StandardCharsets.UTF_8));
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
