package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AWS's own template linter (`pip install cfn-lint`): it applies the SAM transform itself and checks the result
 * against CloudFormation's resource schemas, circular dependencies included. Under CI a missing cfn-lint fails.
 */
class CfnLintTest {

    @Test
    void cfnLintFindsNothingWrongWithTheTemplate() throws IOException, InterruptedException {
        Path cfnLint = ExternalTool.require("cfn-lint", "pip install cfn-lint");
        ExternalTool.Run lint = ExternalTool.run(List.of(cfnLint.toString(), "--", Template.FILE.toString()));
        assertEquals(0, lint.exitCode(), "cfn-lint:\n" + lint.output());
    }
}
