package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hmis.predictions.lambda.tracing.SdkCallTracing;
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
        // Tracing is off by default: no tracing config and no X-Ray permission.
        for (JsonNode function : functions(template)) {
            assertTrue(function.path("Properties").path("TracingConfig").isMissingNode(), function.toString());
            assertFalse(managedPolicies(template, function).contains(XRAY_POLICY), "no X-Ray permission when off");
            assertEquals(
                    "Tracing",
                    function.path("Properties")
                            .path("Environment")
                            .path("Variables")
                            .path(SdkCallTracing.TRACING)
                            .path("Ref")
                            .asText(),
                    "the code's tracing mode is the parameter's, Disabled by default");
        }
    }

    @Test
    void theTransformedTemplateIsValidCloudFormationWithEveryOtherChoice() throws Exception {
        Map<String, String> choices = new TreeMap<>(Deployments.OTHER_CHOICES);
        choices.put("UpdateReservedConcurrency", "1");
        translateAndLint("other-choices", choices);
    }

    /** Tracing on, Active or PassThrough, sets each function's mode and SAM gives its role X-Ray's write permission. */
    @Test
    void tracingOnGivesEachFunctionItsModeAndXRaysWritePermission() throws Exception {
        JsonNode active = translateAndLint("tracing-active", Map.of("Tracing", "Active"));
        JsonNode passThrough =
                translateAndLint("existing-pass-through", Map.of("NetworkMode", "existing", "Tracing", "PassThrough"));
        for (JsonNode template : List.of(active, passThrough)) {
            assertEquals(4, functions(template).size());
            for (JsonNode function : functions(template)) {
                assertEquals(
                        "Tracing",
                        function.path("Properties")
                                .path("TracingConfig")
                                .path("Mode")
                                .path("Ref")
                                .asText(),
                        function.toString());
                assertTrue(managedPolicies(template, function).contains(XRAY_POLICY), function.toString());
                assertEquals(
                        function.path("Properties").path("TracingConfig").path("Mode"),
                        function.path("Properties")
                                .path("Environment")
                                .path("Variables")
                                .path(SdkCallTracing.TRACING),
                        "the code is told the mode Lambda traces the function in");
            }
        }
    }

    @Test
    void theTransformedTemplateIsValidCloudFormationWithoutAVpc() throws Exception {
        JsonNode noVpc = translateAndLint(
                "no-vpc",
                Map.of(
                        "NetworkMode", "no-vpc",
                        "DbSslMode", "verify-full",
                        "DbSslRootCert", "s3://shelter-certs/rds/global-bundle.pem"));
        // The VPC is chosen at deployment: SAM passes VpcConfig's !If to CloudFormation as it is.
        for (JsonNode function : functions(noVpc)) {
            JsonNode vpc = function.path("Properties").path("VpcConfig");
            if (!vpc.isMissingNode()) {
                assertEquals("InVpc", vpc.path("Fn::If").path(0).asText(), vpc.toString());
            }
        }
    }

    private static final String XRAY_POLICY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess";

    private static List<JsonNode> functions(JsonNode template) {
        List<JsonNode> functions = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::Lambda::Function")) {
                functions.add(r);
            }
        });
        return functions;
    }

    /** The managed policy ARNs of the role SAM made for a function. */
    private static List<String> managedPolicies(JsonNode template, JsonNode function) {
        String role = function.path("Properties")
                .path("Role")
                .path("Fn::GetAtt")
                .path(0)
                .asText();
        List<String> arns = new ArrayList<>();
        template.path("Resources")
                .path(role)
                .path("Properties")
                .path("ManagedPolicyArns")
                .forEach(a -> {
                    arns.add(a.asText());
                });
        return arns;
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

        // SAM resolves the parameters it reads itself (Tracing): in what it writes such a parameter may be unused.
        ExternalTool.Run lint =
                ExternalTool.run(List.of(cfnLint.toString(), "--ignore-checks", "W2001", "--", translated.toString()));
        assertEquals(0, lint.exitCode(), "cfn-lint on the transformed template:\n" + lint.output());
        return readJson(translated);
    }

    private static JsonNode readJson(Path file) throws IOException {
        return TriggerJson.MAPPER.readTree(file.toFile());
    }
}
