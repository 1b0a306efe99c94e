package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import org.hmis.predictions.common.config.PipelineConfig;
import org.junit.jupiter.api.Test;

/** docs/configuration.md gives every variable the configuration reads a row of its table. */
class ConfigurationPageTest {
    @Test
    void everyVariableHasItsRow() throws IOException {
        String page = Files.readString(
                Template.DIRECTORY.resolveSibling("docs").resolve("configuration.md"), StandardCharsets.UTF_8);
        Set<String> missing = new TreeSet<>();
        for (String variable : PipelineConfig.VARIABLES) {
            if (page.lines().noneMatch(line -> line.startsWith("| `" + variable + "`"))) {
                missing.add(variable);
            }
        }
        assertEquals(Set.of(), missing, "variables docs/configuration.md does not explain");
    }
}
