package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.lambda.tracing.SdkCallTracing;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The environment the template gives each function is one PipelineConfig reads: every variable is one of
 * PipelineConfig.VARIABLES (or the handlers' own tracing mode, TemplateTracingTest), every setting the step needs is
 * there (asked of PipelineConfig exactly as the step asks), and nothing the step does not read is set. Checked for every value a parameter allows that matters.
 */
class TemplateConfigurationTest {
    private static final Template TEMPLATE = Template.load();

    @Test
    void everyPipelineConfigVariableBelongsToOneSetting() {
        List<String> classified = new ArrayList<>(Setting.SET_BY_LAMBDA);
        Arrays.stream(Setting.values()).forEach(s -> classified.addAll(s.variables()));
        assertEquals(
                new TreeSet<>(PipelineConfig.VARIABLES),
                new TreeSet<>(classified),
                "PipelineConfig reads a variable these tests do not know: add it to a Setting");
        assertEquals(classified.size(), new TreeSet<>(classified).size(), "a variable belongs to two settings");
    }

    @TestFactory
    Stream<DynamicTest> everyFunctionGetsTheSettingsItsStepReadsAndNothingElse() {
        return Deployments.all(TEMPLATE).entrySet().stream()
                .flatMap(deployment -> TEMPLATE.functions().stream()
                        .map(f -> DynamicTest.dynamicTest(f.logicalId() + ", " + deployment.getKey(), () -> {
                            Map<String, String> env = f.environment(deployment.getValue());
                            for (String name : env.keySet()) {
                                if (name.equals(SdkCallTracing.TRACING)) {
                                    continue; // every handler's own, not PipelineConfig's: TemplateTracingTest
                                }
                                assertTrue(
                                        PipelineConfig.VARIABLES.contains(name),
                                        f.logicalId() + " sets " + name + ", which PipelineConfig never reads");
                                assertTrue(
                                        !Setting.SET_BY_LAMBDA.contains(name),
                                        f.logicalId() + " sets " + name + ", which Lambda reserves");
                                Setting setting = settingOf(name);
                                assertTrue(
                                        f.step().settings().contains(setting),
                                        f.logicalId() + " sets " + name + " (" + setting + "), which "
                                                + f.step().module() + " does not read");
                            }
                            PipelineConfig config = assertDoesNotThrow(
                                    () -> PipelineConfig.from(env), f.logicalId() + ": a value is malformed");
                            for (Setting setting : f.step().settings()) {
                                assertDoesNotThrow(() -> setting.readFrom(config), f.logicalId() + " lacks " + setting);
                            }
                        })));
    }

    /** The requirement is PipelineConfig's, not this test's: without the variable the step would fail at start. */
    @TestFactory
    Stream<DynamicTest> theVariablesASettingRequiresAreSetAndWithoutThemItFails() {
        return TEMPLATE.functions().stream()
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    Map<String, String> env = f.environment(Deployments.defaults(TEMPLATE));
                    PipelineConfig complete = PipelineConfig.from(env);
                    f.step()
                            .settings()
                            .forEach(setting -> assertDoesNotThrow(
                                    () -> setting.readFrom(complete), f.logicalId() + " lacks " + setting));
                    Set<String> required = new TreeSet<>();
                    for (String name : env.keySet()) {
                        Map<String, String> without = new HashMap<>(env);
                        without.remove(name);
                        PipelineConfig config = PipelineConfig.from(without);
                        for (Setting setting : f.step().settings()) {
                            try {
                                setting.readFrom(config);
                            } catch (ConfigurationException e) {
                                assertTrue(
                                        e.getMessage().contains(name),
                                        "the error names the missing variable: " + e.getMessage());
                                required.add(name);
                            }
                        }
                    }
                    Set<String> expected = new TreeSet<>();
                    if (f.step().needsDatabase()) {
                        expected.add(PipelineConfig.DB_SECRET_ARN);
                    }
                    if (f.step().settings().contains(Setting.STORAGE)) {
                        expected.add(PipelineConfig.S3_BUCKET);
                    }
                    assertEquals(
                            expected, required, f.logicalId() + ": the variables without which its step cannot start");
                }));
    }

    @Test
    void theBucketVariableIsTheDataBucketsNameAndAlwaysAValidOne() {
        TemplateEvaluation deployment = Deployments.defaults(TEMPLATE);
        String bucket = deployment.string(TEMPLATE.properties("DataBucket").get("BucketName"));
        for (TemplateFunction f : TEMPLATE.functions()) {
            if (f.step().settings().contains(Setting.STORAGE)) {
                assertEquals(bucket, f.environment(deployment).get(PipelineConfig.S3_BUCKET), f.logicalId());
            }
        }
        // The longest prefix the parameter allows, in the region with the longest name: still a bucket name.
        String longestPrefix = "a".repeat(TemplateDataProtectionTest.LONGEST_BUCKET_PREFIX);
        String prefixPattern =
                String.valueOf(TEMPLATE.parameters().get("DataBucketPrefix").get("AllowedPattern"));
        assertTrue(Pattern.matches(prefixPattern, longestPrefix));
        assertTrue(!Pattern.matches(prefixPattern, longestPrefix + "a"), "a longer prefix is refused");
        Map<String, Object> pseudo = new HashMap<>(TemplateEvaluation.PSEUDO_PARAMETERS);
        pseudo.put("AWS::Region", "ap-southeast-7");
        Map<String, String> values = new LinkedHashMap<>(Deployments.REQUIRED);
        values.put("DataBucketPrefix", longestPrefix);
        TemplateEvaluation longest = TemplateEvaluation.of(TEMPLATE, values, pseudo);
        TemplateFunction wrangle = TemplateFunctionsTest.functionOf(PipelineStep.WRANGLE);
        StorageSettings storage =
                PipelineConfig.from(wrangle.environment(longest)).storage();
        assertTrue(storage.inputBucket().length() <= 63, storage.inputBucket());
        assertEquals(
                longest.string(TEMPLATE.properties("DataBucket").get("BucketName")),
                storage.inputBucket(),
                "the functions' name for the bucket is the bucket's");
    }

    /** Every value the template's parameters allow is one PipelineConfig accepts. */
    @Test
    void parameterValuesTheTemplateAllowsArePipelineConfigValues() {
        TemplateFunction wrangle = TemplateFunctionsTest.functionOf(PipelineStep.WRANGLE);
        TemplateFunction predict = TemplateFunctionsTest.functionOf(PipelineStep.PREDICT);
        for (Object mode : Template.list(TEMPLATE.parameters().get("DbSslMode").get("AllowedValues"))) {
            Map<String, String> env =
                    wrangle.environment(Deployments.defaultsWith(TEMPLATE, "DbSslMode", String.valueOf(mode)));
            // Empty leaves DB_SSL_MODE unset: without DbSslRootCert the functions require TLS.
            assertEquals(
                    String.valueOf(mode).isEmpty() ? "require" : mode,
                    PipelineConfig.from(env).database().sslMode());
        }
        Map<String, Object> partRows = TEMPLATE.parameters().get("PartRows");
        for (String bound : List.of("MinValue", "MaxValue")) {
            String rows = String.valueOf(partRows.get(bound));
            Map<String, String> env = wrangle.environment(Deployments.defaultsWith(TEMPLATE, "PartRows", rows));
            assertEquals(Integer.parseInt(rows), PipelineConfig.from(env).partRows(), "PartRows " + bound);
        }
        Pattern modelNames = Pattern.compile(
                String.valueOf(TEMPLATE.parameters().get("ModelName").get("AllowedPattern")));
        for (String name : List.of("exit-destination", "m", "shelter_v2.1", "x".repeat(128))) {
            assertTrue(modelNames.matcher(name).matches(), name);
            Map<String, String> env = predict.environment(Deployments.defaultsWith(TEMPLATE, "ModelName", name));
            assertEquals(name, PipelineConfig.from(env).modelName());
        }
        Pattern tables = Pattern.compile(
                String.valueOf(TEMPLATE.parameters().get("GuestsTable").get("AllowedPattern")));
        for (String table : List.of("guests", "hmis.guests", "Guests_2026")) {
            assertTrue(tables.matcher(table).matches(), table);
            Map<String, String> env = wrangle.environment(Deployments.defaultsWith(TEMPLATE, "GuestsTable", table));
            assertEquals(table, PipelineConfig.from(env).guestsTable().toString());
        }
        // And what the patterns reject, PipelineConfig rejects too.
        assertTrue(!modelNames.matcher("../etc").matches());
        assertThrows(
                ConfigurationException.class, () -> PipelineConfig.from(Map.of(PipelineConfig.MODEL_NAME, "../etc")));
        assertTrue(!tables.matcher("guests;drop").matches());
        assertThrows(
                ConfigurationException.class,
                () -> PipelineConfig.from(Map.of(PipelineConfig.GUESTS_TABLE, "guests;drop")));
    }

    @Test
    void placeholdersForTheRequiredParametersAreValuesTheTemplateAccepts() {
        Map<String, String> values = new LinkedHashMap<>(Deployments.REQUIRED);
        values.putAll(Deployments.OPTIONS);
        values.forEach((name, value) -> {
            Object pattern = TEMPLATE.parameters().get(name).get("AllowedPattern");
            if (pattern != null) {
                assertTrue(Pattern.matches(String.valueOf(pattern), value), name + " = " + value);
            }
        });
        Set<String> withoutDefault = TEMPLATE.parameters().entrySet().stream()
                .filter(e -> !e.getValue().containsKey("Default"))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(
                Deployments.REQUIRED.keySet().containsAll(withoutDefault),
                "a parameter without default has no placeholder: " + withoutDefault);
    }

    private static Setting settingOf(String variable) {
        return Arrays.stream(Setting.values())
                .filter(s -> s.variables().contains(variable))
                .findFirst()
                .orElseThrow(() -> new AssertionError(variable + " belongs to no setting"));
    }
}
