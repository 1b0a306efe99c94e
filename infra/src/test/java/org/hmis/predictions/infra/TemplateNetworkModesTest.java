package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * NetworkMode: what each mode deploys (which endpoints, which functions in the VPC) and which parameter combinations
 * the template's Rules refuse, evaluated as CloudFormation would for each deployment.
 */
class TemplateNetworkModesTest {
    private static final Template TEMPLATE = Template.load();
    static final String CA_BUNDLE = "s3://shelter-certs/rds/global-bundle.pem";
    private static final Map<String, Object> RULES = rules();
    private static final List<String> NETWORK_RESOURCES =
            List.of("S3GatewayEndpoint", "EndpointSecurityGroup", "SecretsManagerEndpoint", "LambdaEndpoint");

    /** The parameters a small shelter without a VPC gives: no VPC, no subnets, verified TLS. */
    static Map<String, String> noVpc() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("DbSecretArn", Deployments.SECRET_ARN);
        values.put("NetworkMode", "no-vpc");
        values.put("DbSslMode", "verify-full");
        values.put("DbSslRootCert", CA_BUNDLE);
        return values;
    }

    @Test
    void theModesAndTheirDefaultKeepWhatAStackDeployedBeforeThemHad() {
        Map<String, Object> mode = TEMPLATE.parameters().get("NetworkMode");
        assertEquals(List.of("endpoints", "existing", "no-vpc"), mode.get("AllowedValues"));
        assertEquals("endpoints", mode.get("Default"), "a stack updated without the parameter keeps its endpoints");
        // Each Create*Endpoint still chooses its endpoint in the default mode (TemplateFunctionsTest holds which).
        assertEquals(Set.copyOf(NETWORK_RESOURCES), made(Deployments.defaults(TEMPLATE)));
    }

    @Test
    void endpointsModeMakesTheEndpointsEachCreateParameterAsksFor() {
        assertEquals(
                Set.of("S3GatewayEndpoint"),
                made(TemplateEvaluation.of(
                        TEMPLATE,
                        with(Map.of("CreateSecretsManagerEndpoint", "false", "CreateLambdaEndpoint", "false")))));
        assertEquals(
                Set.of("EndpointSecurityGroup", "SecretsManagerEndpoint"),
                made(TemplateEvaluation.of(
                        TEMPLATE, with(Map.of("CreateS3GatewayEndpoint", "false", "CreateLambdaEndpoint", "false")))));
        assertEquals(Set.of(), made(Deployments.otherChoices(TEMPLATE)), "every Create*Endpoint false: none");
    }

    @Test
    void existingModeMakesNoEndpointWhateverTheCreateParametersSayAndKeepsTheFunctionsInTheVpc() {
        TemplateEvaluation existing = TemplateEvaluation.of(TEMPLATE, with(Map.of("NetworkMode", "existing")));
        assertEquals(Set.of(), made(existing), "the VPC's own NAT gateway or endpoints serve the functions");
        assertEquals(Set.of("RemoveExitedFunction", "WrangleFunction", "UpdateDbFunction"), inTheVpc(existing));
        Map<String, Object> config = vpcConfig(existing, "WrangleFunction").orElseThrow();
        assertEquals(existing.parameter("SubnetIds"), config.get("SubnetIds"));
        assertEquals(List.of(existing.parameter("FunctionSecurityGroupId")), config.get("SecurityGroupIds"));
        assertEquals(List.of(), violatedRules(existing));
        // No S3 gateway endpoint is made, so its route tables are not needed.
        Map<String, String> noRouteTables = with(Map.of("NetworkMode", "existing", "PrivateRouteTableIds", ""));
        assertEquals(List.of(), violatedRules(TemplateEvaluation.of(TEMPLATE, noRouteTables)));
    }

    @Test
    void noVpcModeRunsEveryFunctionOutsideAVpcAndMakesNoNetworkResource() {
        TemplateEvaluation noVpc = TemplateEvaluation.of(TEMPLATE, noVpc());
        assertEquals(List.of(), violatedRules(noVpc), "no VPC, subnets or security group is asked for");
        assertEquals(Set.of(), made(noVpc));
        assertEquals(Set.of(), inTheVpc(noVpc));
        for (TemplateFunction f : TEMPLATE.functions()) {
            if (f.step().needsDatabase()) {
                Map<String, String> env = f.environment(noVpc);
                assertEquals("verify-full", env.get("DB_SSL_MODE"), f.logicalId());
                assertEquals(CA_BUNDLE, env.get("DB_SSL_ROOT_CERT"), f.logicalId());
            }
        }
    }

    @Test
    void theRulesRefuseWhatCannotWork() {
        Map<String, String> requireOutsideAVpc = new LinkedHashMap<>(noVpc());
        requireOutsideAVpc.put("DbSslMode", "require");
        requireOutsideAVpc.put("DbSslRootCert", "");
        assertEquals(
                List.of("VerifiedTlsOutsideAVpc"), violatedRules(TemplateEvaluation.of(TEMPLATE, requireOutsideAVpc)));

        Map<String, String> verifyCaOutsideAVpc = new LinkedHashMap<>(noVpc());
        verifyCaOutsideAVpc.put("DbSslMode", "verify-ca");
        assertEquals(
                List.of("VerifiedTlsOutsideAVpc"),
                violatedRules(TemplateEvaluation.of(TEMPLATE, verifyCaOutsideAVpc)),
                "verify-ca does not check the host name");

        Map<String, String> noBundle = new LinkedHashMap<>(noVpc());
        noBundle.put("DbSslRootCert", "");
        assertEquals(List.of("CaBundleForVerifiedTls"), violatedRules(TemplateEvaluation.of(TEMPLATE, noBundle)));

        for (String mode : List.of("endpoints", "existing")) {
            Map<String, String> noVpcGiven = new LinkedHashMap<>(noVpc());
            noVpcGiven.put("NetworkMode", mode);
            noVpcGiven.put("CreateS3GatewayEndpoint", "false");
            assertEquals(
                    List.of("VpcForTheFunctions"),
                    violatedRules(TemplateEvaluation.of(TEMPLATE, noVpcGiven)),
                    mode + " runs the functions in a VPC, which must be named");
            assertEquals(
                    3,
                    rule("VpcForTheFunctions").get("Assertions") instanceof List<?> l ? l.size() : 0,
                    "VpcId, SubnetIds and FunctionSecurityGroupId each");
        }

        Map<String, String> gatewayWithoutRouteTables = with(Map.of("PrivateRouteTableIds", ""));
        assertEquals(
                List.of("RouteTablesForS3Endpoint"),
                violatedRules(TemplateEvaluation.of(TEMPLATE, gatewayWithoutRouteTables)));

        for (TemplateEvaluation accepted : Deployments.all(TEMPLATE).values()) {
            assertEquals(List.of(), violatedRules(accepted));
        }
    }

    /** The Rules whose condition holds and one of whose assertions does not, for one deployment. */
    static List<String> violatedRules(TemplateEvaluation deployment) {
        List<String> violated = new ArrayList<>();
        RULES.forEach((name, node) -> {
            Map<String, Object> rule = Template.map(node);
            boolean applies = !rule.containsKey("RuleCondition")
                    || Boolean.TRUE.equals(
                            deployment.evaluate(rule.get("RuleCondition")).orElseThrow());
            if (!applies) {
                return;
            }
            for (Object assertion : Template.list(rule.get("Assertions"))) {
                Object holds = deployment
                        .evaluate(Template.map(assertion).get("Assert"))
                        .orElseThrow();
                if (!Boolean.TRUE.equals(holds)) {
                    violated.add(name);
                    return;
                }
            }
        });
        return violated;
    }

    private static Map<String, Object> rule(String name) {
        return Template.map(RULES.get(name));
    }

    /** The template's Rules section, which Template does not parse. */
    private static Map<String, Object> rules() {
        try {
            return Template.map(CloudFormationYaml.read(Template.FILE).get("Rules"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The network resources one deployment makes. */
    private static Set<String> made(TemplateEvaluation deployment) {
        Set<String> made = new TreeSet<>();
        for (String id : NETWORK_RESOURCES) {
            if (deployment.condition(String.valueOf(TEMPLATE.resource(id).get("Condition")))) {
                made.add(id);
            }
        }
        assertEquals(
                Set.copyOf(NETWORK_RESOURCES),
                new TreeSet<>(TEMPLATE.resources().entrySet().stream()
                        .filter(e -> String.valueOf(e.getValue().get("Type")).startsWith("AWS::EC2::"))
                        .map(Map.Entry::getKey)
                        .toList()),
                "the template's network resources");
        return made;
    }

    private static Set<String> inTheVpc(TemplateEvaluation deployment) {
        Set<String> inside = new TreeSet<>();
        for (TemplateFunction f : TEMPLATE.functions()) {
            vpcConfig(deployment, f.logicalId()).ifPresent(config -> inside.add(f.logicalId()));
        }
        return inside;
    }

    private static Optional<Map<String, Object>> vpcConfig(TemplateEvaluation deployment, String function) {
        return TEMPLATE.function(function)
                .property("VpcConfig")
                .flatMap(deployment::evaluate)
                .map(Template::map);
    }

    private static Map<String, String> with(Map<String, String> changes) {
        Map<String, String> values = new LinkedHashMap<>(Deployments.REQUIRED);
        values.putAll(changes);
        return values;
    }
}
