package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.junit.jupiter.api.Test;

/**
 * The template through the SAM transform as `sam validate` runs it (aws-sam-translator, src/test/python/
 * sam_translate.py), with the defaults and with every choice turned the other way, and cfn-lint on each
 * CloudFormation template that comes out: what CloudFormation would be handed, checked without an AWS account.
 * Under CI a missing Python, translator or cfn-lint fails; elsewhere the test is skipped with what to install.
 */
class SamTransformTest {
    private static final Path TRANSLATOR = Template.DIRECTORY.resolve("src/test/python/sam_translate.py");
    private static final Path OUTPUT = Template.DIRECTORY.resolve("target/sam-translated");

    @Test
    void theTransformedTemplateIsValidCloudFormationWithTheDefaults() throws Exception {
        JsonNode template = translateAndLint("defaults", Map.of());
        Map<String, Integer> types = new TreeMap<>();
        template.path("Resources").forEach(r -> types.merge(r.path("Type").asText(), 1, Integer::sum));
        // What SAM makes of the four functions: the functions, their async settings, S3's permission to invoke
        // predict and update, and the two Scheduler schedules (in the state ScheduleState says).
        assertEquals(4, types.getOrDefault("AWS::Lambda::Function", 0), types.toString());
        assertEquals(4, types.getOrDefault("AWS::Lambda::EventInvokeConfig", 0), types.toString());
        assertEquals(2, types.getOrDefault("AWS::Scheduler::Schedule", 0), types.toString());
        assertEquals(
                0,
                types.keySet().stream()
                        .filter(t -> t.startsWith("AWS::Serverless::"))
                        .count(),
                "nothing of SAM's is left: " + types);
        List<JsonNode> states = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::Scheduler::Schedule")) {
                states.add(r.path("Properties").path("State"));
            }
        });
        states.forEach(state -> assertEquals("ScheduleState", state.path("Ref").asText(), state.toString()));
    }

    @Test
    void theTransformedTemplateIsValidCloudFormationWithEveryOtherChoice() throws Exception {
        Map<String, String> choices = new TreeMap<>(Deployments.OTHER_CHOICES);
        choices.put("UpdateReservedConcurrency", "1");
        translateAndLint("other-choices", choices);
    }

    private static JsonNode translateAndLint(String name, Map<String, String> parameters) throws Exception {
        Path python = ExternalTool.require("python3", "install Python 3 and `pip install aws-sam-translator`");
        ExternalTool.Run probe = ExternalTool.run(List.of(python.toString(), "-c", "import samtranslator"));
        ExternalTool.requirePresent(
                probe.exitCode() == 0, "Python cannot import samtranslator: pip install aws-sam-translator");
        Path cfnLint = ExternalTool.require("cfn-lint", "pip install cfn-lint");

        Files.createDirectories(OUTPUT);
        Path translated = OUTPUT.resolve(name + ".json");
        List<String> command = new ArrayList<>(
                List.of(python.toString(), TRANSLATOR.toString(), Template.FILE.toString(), translated.toString()));
        parameters.forEach((key, value) -> command.add(key + "=" + value));
        ExternalTool.Run translate = ExternalTool.run(command);
        assertEquals(0, translate.exitCode(), "the SAM transform refused the template:\n" + translate.output());

        ExternalTool.Run lint = ExternalTool.run(List.of(cfnLint.toString(), "--", translated.toString()));
        assertEquals(0, lint.exitCode(), "cfn-lint on the transformed template:\n" + lint.output());
        return readJson(translated);
    }

    private static JsonNode readJson(Path file) throws IOException {
        return TriggerJson.MAPPER.readTree(file.toFile());
    }
}
