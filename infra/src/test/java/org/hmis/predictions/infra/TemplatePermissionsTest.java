package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each function may do exactly what its step does: read the prefixes it reads, write the prefixes it writes,
 * read the database secret (and a CA bundle in S3, with an S3 client) if it reaches the database, invoke itself if its handler queues its own work, and
 * nothing else (SAM adds the logging, VPC and dead-letter permissions itself). Keys are used only through the
 * service whose data they encrypt, and listing only under the prefixes the step reads.
 */
class TemplatePermissionsTest {
    private static final Template TEMPLATE = Template.load();

    /** One action allowed on one resource, with the statement's condition. */
    record Grant(String action, String resource, Map<String, Object> condition) {
        String pair() {
            return action + " " + resource;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFunctionMayDoWhatItsStepDoesAndNothingMore() {
        Map<String, TemplateEvaluation> deployments = new java.util.LinkedHashMap<>(Deployments.all(TEMPLATE));
        deployments.put(
                "verified TLS, the CA bundle in S3",
                TemplateDatabaseTlsTest.verifiedWith("s3://shelter-certs/rds/global-bundle.pem"));
        return deployments.entrySet().stream()
                .flatMap(deployment -> TEMPLATE.functions().stream()
                        .map(f -> DynamicTest.dynamicTest(f.logicalId() + ", " + deployment.getKey(), () -> {
                            TemplateEvaluation d = deployment.getValue();
                            List<Grant> grants = grants(f, d);
                            for (Grant g : grants) {
                                assertFalse(
                                        g.action().contains("*"),
                                        f.logicalId() + " is allowed the wildcard action " + g.action());
                                assertFalse(
                                        g.resource().equals("*") || g.resource().endsWith(":*"),
                                        f.logicalId() + " is allowed " + g.action() + " on " + g.resource());
                            }
                            Set<String> expected = expectedGrants(f, d).stream()
                                    .map(Grant::pair)
                                    .collect(Collectors.toCollection(TreeSet::new));
                            Set<String> actual =
                                    grants.stream().map(Grant::pair).collect(Collectors.toCollection(TreeSet::new));
                            assertEquals(
                                    expected,
                                    actual,
                                    f.logicalId() + ": what " + f.step().module() + " touches");
                            String secretKey = d.condition("HasSecretKmsKey")
                                    ? d.string(Map.of("Ref", "DbSecretKmsKeyArn"))
                                    : "(none)";
                            grants.stream()
                                    .filter(g -> g.action().startsWith("kms:"))
                                    .forEach(g -> assertEquals(
                                            Map.of(
                                                    "StringEquals",
                                                    Map.of(
                                                            "kms:ViaService",
                                                            g.resource().equals(secretKey)
                                                                    ? "secretsmanager.us-east-1.amazonaws.com"
                                                                    : "s3.us-east-1.amazonaws.com")),
                                            g.condition(),
                                            f.logicalId() + " may use " + g.resource()
                                                    + " only through the service whose data it encrypts"));
                            grants.stream()
                                    .filter(g -> g.action().equals("s3:ListBucket"))
                                    .forEach(g -> assertEquals(
                                            Map.of(
                                                    "StringLike",
                                                    Map.of(
                                                            "s3:prefix",
                                                            java.util.stream.Stream.concat(
                                                                            f.step().reads().stream(),
                                                                            f.step().deletes().stream())
                                                                    .map(prefix -> prefix + "*")
                                                                    .toList())),
                                            g.condition(),
                                            f.logicalId()
                                                    + " may list only under the prefixes its step reads or clears"));
                        })));
    }

    @Test
    void noFunctionRefersToTheBucketResourceWhichWouldMakeACircularDependency() {
        for (TemplateFunction f : TEMPLATE.functions()) {
            List<String> references = new ArrayList<>();
            collectReferences(f.propertiesExceptEvents(), references);
            assertFalse(
                    references.contains("DataBucket"),
                    f.logicalId()
                            + " refers to DataBucket; use the name expression instead (the bucket's notifications depend on the function)");
        }
    }

    @Test
    void theApiInvokePolicyAllowsTheApisRoutesOnly() {
        Map<String, Object> document = Template.map(Deployments.defaults(TEMPLATE)
                .evaluate(TEMPLATE.properties("RefreshApiInvokePolicy").get("PolicyDocument"))
                .orElseThrow());
        Map<String, Object> statement =
                Template.map(Template.list(document.get("Statement")).get(0));
        assertEquals("execute-api:Invoke", statement.get("Action"));
        assertEquals(
                List.of(
                        "arn:aws:execute-api:us-east-1:123456789012:${RefreshApi}/$default/POST/refresh",
                        "arn:aws:execute-api:us-east-1:123456789012:${RefreshApi}/$default/GET/runs/*"),
                statement.get("Resource"),
                "POST /refresh, and GET of /runs/latest and /runs/{runId}, nothing else");
    }

    /** What a function's Policies allow under one deployment; anything but inline Allow statements fails. */
    static List<Grant> grants(TemplateFunction f, TemplateEvaluation deployment) {
        List<Grant> grants = new ArrayList<>();
        for (Object policy : f.policies(deployment)) {
            if (!(policy instanceof Map<?, ?> document) || !document.containsKey("Statement")) {
                throw new AssertionError(
                        f.logicalId() + " has the policy " + policy
                                + ": use inline statements, not managed policies or SAM policy templates, which allow more than a step needs");
            }
            for (Object s : Template.list(document.get("Statement"))) {
                Map<String, Object> statement = Template.map(s);
                assertEquals("Allow", statement.get("Effect"), f.logicalId() + ": " + statement);
                assertFalse(
                        statement.containsKey("NotAction") || statement.containsKey("NotResource"),
                        f.logicalId() + ": " + statement);
                Map<String, Object> condition = Template.map(statement.getOrDefault("Condition", Map.of()));
                for (Object action : asList(statement.get("Action"))) {
                    for (Object resource : asList(statement.get("Resource"))) {
                        grants.add(new Grant(String.valueOf(action), resourceText(deployment, resource), condition));
                    }
                }
            }
        }
        return grants;
    }

    /** An ARN as deployed, or {@code ${LogicalId.Arn}} for a resource of the template (known only once deployed). */
    static String resourceText(TemplateEvaluation deployment, Object node) {
        Object value = deployment.evaluate(node).orElseThrow();
        return value instanceof TemplateEvaluation.ResourceReference reference
                ? reference.toString()
                : deployment.string(value);
    }

    private static List<Grant> expectedGrants(TemplateFunction f, TemplateEvaluation deployment) {
        PipelineStep step = f.step();
        String bucket = "arn:aws:s3:::"
                + deployment.string(TEMPLATE.properties("DataBucket").get("BucketName"));
        List<Grant> expected = new ArrayList<>();
        if (step.needsDatabase()) {
            expected.add(new Grant(
                    "secretsmanager:GetSecretValue", deployment.string(Map.of("Ref", "DbSecretArn")), Map.of()));
            if (deployment.condition("HasSecretKmsKey")) {
                expected.add(new Grant("kms:Decrypt", deployment.string(Map.of("Ref", "DbSecretKmsKeyArn")), Map.of()));
            }
        }
        if (step.needsDatabase()
                && step.settings().contains(Setting.STORAGE)
                && deployment.condition("ReadsDbSslRootCertFromS3")) {
            // The CA bundle, read with the step's S3 client: that one object.
            String bundle = deployment.string(Map.of("Ref", "DbSslRootCert"));
            expected.add(new Grant("s3:GetObject", "arn:aws:s3:::" + bundle.substring("s3://".length()), Map.of()));
        }
        step.reads().forEach(prefix -> expected.add(new Grant("s3:GetObject", bucket + "/" + prefix + "*", Map.of())));
        step.writes().forEach(prefix -> expected.add(new Grant("s3:PutObject", bucket + "/" + prefix + "*", Map.of())));
        step.deletes()
                .forEach(prefix -> expected.add(new Grant("s3:DeleteObject", bucket + "/" + prefix + "*", Map.of())));
        if (!step.reads().isEmpty() || !step.deletes().isEmpty()) {
            // Lets a missing object answer 404, so the step can name it; and lists what a step removes.
            expected.add(new Grant("s3:ListBucket", bucket, Map.of()));
        }
        if (deployment.condition("UsesCustomerManagedDataKey")) {
            // S3 decrypts what the step reads and encrypts what it writes with the stack's key, on its behalf.
            String dataKey = "${DataKey.Arn}";
            if (!step.reads().isEmpty()) {
                expected.add(new Grant("kms:Decrypt", dataKey, Map.of()));
            }
            if (!step.writes().isEmpty()) {
                expected.add(new Grant("kms:GenerateDataKey", dataKey, Map.of()));
            }
        }
        if (step.invokesItself()) {
            expected.add(new Grant("lambda:InvokeFunction", functionArn(f, deployment), Map.of()));
            // Through the API the function runs as its alias, and the context hands it the qualified ARN.
            expected.add(new Grant("lambda:InvokeFunction", functionArn(f, deployment) + ":live", Map.of()));
        }
        return expected;
    }

    /** The unqualified ARN of the function as deployed, the one Lambda hands its handler in the context. */
    static String functionArn(TemplateFunction f, TemplateEvaluation deployment) {
        return "arn:aws:lambda:us-east-1:123456789012:function:"
                + deployment.string(f.properties().get("FunctionName"));
    }

    private static List<Object> asList(Object node) {
        return node instanceof List<?> ? Template.list(node) : List.of(node);
    }

    /** Logical ids a node refers to through Ref, GetAtt or a ${...} in Sub. */
    private static void collectReferences(Object node, List<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("Ref".equals(key)) {
                    into.add(String.valueOf(value));
                } else if ("Fn::GetAtt".equals(key)) {
                    into.add(String.valueOf(Template.list(value).get(0)));
                } else if ("Fn::Sub".equals(key)) {
                    String text = String.valueOf(value instanceof List<?> l ? l.get(0) : value);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9]+)[}.]")
                            .matcher(text);
                    while (m.find()) {
                        into.add(m.group(1));
                    }
                }
                collectReferences(value, into);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(element -> collectReferences(element, into));
        }
    }
}
