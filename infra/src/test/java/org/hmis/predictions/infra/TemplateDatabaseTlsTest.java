package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.PipelineConfig;
import org.junit.jupiter.api.Test;

/**
 * DbSslRootCert: the CA bundle verify-ca and verify-full check the database's certificate against reaches every
 * function that connects (DB_SSL_ROOT_CERT), in a form PipelineConfig takes, and an s3:// bundle may be read, as
 * exactly that object, by the functions that read it (those with an S3 client) and through the S3 gateway endpoint.
 */
class TemplateDatabaseTlsTest {
    private static final Template TEMPLATE = Template.load();
    private static final String BUNDLE = "s3://shelter-certs/rds/global-bundle.pem";
    private static final String BUNDLE_ARN = "arn:aws:s3:::shelter-certs/rds/global-bundle.pem";

    static TemplateEvaluation verifiedWith(String bundle) {
        Map<String, String> values = new LinkedHashMap<>(Deployments.REQUIRED);
        values.put("DbSslMode", "verify-full");
        values.put("DbSslRootCert", bundle);
        return TemplateEvaluation.of(TEMPLATE, values);
    }

    @Test
    void theBundleIsGivenToEveryFunctionThatConnectsAndToNoOther() {
        for (String bundle : List.of(BUNDLE, "classpath:certs/global-bundle.pem", "/opt/certs/global-bundle.pem")) {
            TemplateEvaluation d = verifiedWith(bundle);
            assertEquals(List.of(), TemplateNetworkModesTest.violatedRules(d), bundle);
            for (TemplateFunction f : TEMPLATE.functions()) {
                Map<String, String> env = f.environment(d);
                if (f.step().needsDatabase()) {
                    assertEquals(bundle, env.get(PipelineConfig.DB_SSL_ROOT_CERT), f.logicalId());
                    assertEquals(
                            Optional.of(bundle),
                            PipelineConfig.from(env).database().sslRootCert(),
                            f.logicalId() + ": PipelineConfig takes it");
                } else {
                    assertFalse(env.containsKey(PipelineConfig.DB_SSL_ROOT_CERT), f.logicalId());
                }
            }
        }
        for (TemplateFunction f : TEMPLATE.functions()) {
            assertFalse(
                    f.environment(Deployments.defaults(TEMPLATE)).containsKey(PipelineConfig.DB_SSL_ROOT_CERT),
                    f.logicalId() + ": without a bundle the variable is not set");
        }
    }

    @Test
    void verifiedTlsIsRefusedWithoutABundleAndRequireNeedsNone() {
        assertEquals("", TEMPLATE.parameters().get("DbSslRootCert").get("Default"));
        for (String mode : List.of("verify-ca", "verify-full")) {
            assertEquals(
                    List.of("CaBundleForVerifiedTls"),
                    TemplateNetworkModesTest.violatedRules(Deployments.defaultsWith(TEMPLATE, "DbSslMode", mode)),
                    mode + " without DbSslRootCert cannot connect");
        }
        assertEquals(List.of(), TemplateNetworkModesTest.violatedRules(Deployments.defaults(TEMPLATE)));
    }

    /** DbSslMode empty, the default, leaves the choice to the functions: verify-full with a bundle, else require. */
    @Test
    void byDefaultTheFunctionsVerifyWhenGivenABundle() {
        assertEquals("", TEMPLATE.parameters().get("DbSslMode").get("Default"));
        TemplateEvaluation bundleOnly = Deployments.defaultsWith(TEMPLATE, "DbSslRootCert", BUNDLE);
        assertEquals(List.of(), TemplateNetworkModesTest.violatedRules(bundleOnly));
        for (TemplateFunction f : TEMPLATE.functions()) {
            if (f.step().needsDatabase()) {
                Map<String, String> plain = f.environment(Deployments.defaults(TEMPLATE));
                assertFalse(plain.containsKey(PipelineConfig.DB_SSL_MODE), f.logicalId());
                assertEquals("require", PipelineConfig.from(plain).database().sslMode(), f.logicalId());
                Map<String, String> withBundle = f.environment(bundleOnly);
                assertFalse(withBundle.containsKey(PipelineConfig.DB_SSL_MODE), f.logicalId());
                assertEquals(
                        "verify-full",
                        PipelineConfig.from(withBundle).database().sslMode(),
                        f.logicalId());
                Map<String, String> chosen = f.environment(Deployments.defaultsWith(TEMPLATE, "DbSslMode", "require"));
                assertEquals("require", chosen.get(PipelineConfig.DB_SSL_MODE), f.logicalId() + ": a mode chosen");
            }
        }
    }

    @Test
    void theParameterAllowsTheFormsPipelineConfigTakesAndNoWildcardObject() {
        Pattern allowed = Pattern.compile(
                String.valueOf(TEMPLATE.parameters().get("DbSslRootCert").get("AllowedPattern")));
        for (String value : List.of(
                "", BUNDLE, "s3://my.bucket-1/a/b/us-east-1-bundle.pem", "classpath:certs/x.pem", "/opt/ca.pem")) {
            assertTrue(allowed.matcher(value).matches(), value);
            if (!value.isEmpty()) {
                PipelineConfig.from(Map.of(PipelineConfig.DB_SSL_ROOT_CERT, value));
            }
        }
        for (String value : List.of(
                "s3://shelter-certs/*",
                "s3://shelter-certs/rds/*.pem",
                "s3://shelter-certs/",
                "s3://Bucket/ca.pem",
                "https://truststore.example/ca.pem",
                "certs/relative.pem",
                "classpath:")) {
            assertFalse(allowed.matcher(value).matches(), value);
        }
        assertThrows(
                ConfigurationException.class,
                () -> PipelineConfig.from(
                        Map.of(PipelineConfig.DB_SSL_ROOT_CERT, "https://truststore.example/ca.pem")));
    }

    /** wrangle and update read an s3:// bundle with their S3 client; remove has none, so it is given no read. */
    @Test
    void anS3BundleMayBeReadAsThatOneObjectByTheFunctionsThatReadIt() {
        TemplateEvaluation d = verifiedWith(BUNDLE);
        for (TemplateFunction f : TEMPLATE.functions()) {
            List<TemplatePermissionsTest.Grant> reads = TemplatePermissionsTest.grants(f, d).stream()
                    .filter(g -> g.resource().equals(BUNDLE_ARN))
                    .toList();
            boolean readsIt = f.step().needsDatabase() && f.step().settings().contains(Setting.STORAGE);
            assertEquals(
                    readsIt ? List.of("s3:GetObject") : List.of(),
                    reads.stream().map(TemplatePermissionsTest.Grant::action).toList(),
                    f.logicalId());
            reads.forEach(g -> assertEquals(Map.of(), g.condition()));
        }
        for (String other : List.of("", "classpath:certs/global-bundle.pem", "/opt/certs/global-bundle.pem")) {
            TemplateEvaluation without = other.isEmpty() ? Deployments.defaults(TEMPLATE) : verifiedWith(other);
            assertFalse(without.condition("ReadsDbSslRootCertFromS3"), other);
            for (TemplateFunction f : TEMPLATE.functions()) {
                assertTrue(
                        TemplatePermissionsTest.grants(f, without).stream()
                                .noneMatch(g -> g.resource().contains("shelter-certs")),
                        f.logicalId() + " with " + other);
            }
        }
    }

    @Test
    void theS3GatewayEndpointLetsTheFunctionsReadAnS3Bundle() {
        Map<String, Object> policy = Template.map(verifiedWith(BUNDLE)
                .evaluate(TEMPLATE.properties("S3GatewayEndpoint").get("PolicyDocument"))
                .orElseThrow());
        List<Object> statements = Template.list(policy.get("Statement"));
        assertEquals(2, statements.size(), statements.toString());
        Map<String, Object> bundle = Template.map(statements.get(1));
        assertEquals("Allow", bundle.get("Effect"));
        assertEquals("s3:GetObject", bundle.get("Action"));
        assertEquals(BUNDLE_ARN, bundle.get("Resource"), "that object, nothing else of its bucket");
    }
}
