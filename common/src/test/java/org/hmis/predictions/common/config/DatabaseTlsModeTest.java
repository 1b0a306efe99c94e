package org.hmis.predictions.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sslmode the pool uses: an explicit {@code DB_SSL_MODE} always; without one {@code verify-full} when a CA bundle
 * is given and {@code require} when none is, with a warning naming both variables when the host is an RDS endpoint.
 */
class DatabaseTlsModeTest {
    private static final String INSTANCE = "guests.c9akciq32.us-east-1.rds.amazonaws.com";
    private static final List<String> BUNDLES =
            List.of("classpath:certs/global-bundle.pem", "s3://shelter-certs/global-bundle.pem", "/opt/ca.pem");

    private static DatabaseSettings settings(String host, String sslMode, String rootCert) {
        Map<String, String> env = new HashMap<>();
        env.put(PipelineConfig.RDS_HOST, host);
        env.put(PipelineConfig.RDS_USERNAME, "pipeline");
        env.put(PipelineConfig.RDS_USER_PWD, "pw");
        if (sslMode != null) {
            env.put(PipelineConfig.DB_SSL_MODE, sslMode);
        }
        if (rootCert != null) {
            env.put(PipelineConfig.DB_SSL_ROOT_CERT, rootCert);
        }
        return PipelineConfig.from(env).database();
    }

    @Test
    void withoutAModeABundleGivenIsCheckedWithVerifyFull() {
        for (String bundle : BUNDLES) {
            for (String host : List.of(INSTANCE, "db.shelter.example.org")) {
                DatabaseSettings db = settings(host, null, bundle);
                assertEquals("verify-full", db.sslMode(), host + " with " + bundle);
                assertFalse(db.sslModeGiven());
                assertEquals(Optional.empty(), db.unverifiedWarning(host));
            }
        }
    }

    @Test
    void withoutAModeOrABundleTlsIsRequiredAndAnRdsHostIsWarnedAbout() {
        DatabaseSettings db = settings(INSTANCE, null, null);
        assertEquals("require", db.sslMode());
        assertFalse(db.sslModeGiven());
        assertEquals(
                "the database " + INSTANCE + " is an RDS endpoint, but its certificate is not checked (sslmode"
                        + " require): set DB_SSL_ROOT_CERT to the RDS CA bundle, which makes verify-full the default,"
                        + " or DB_SSL_MODE=require to say that unverified TLS is meant",
                db.unverifiedWarning(INSTANCE).orElseThrow());
        assertTrue(db.toString().contains("sslmode=require (default)"), db.toString());
        // A host that is not RDS's: no bundle is known to fit it, nothing to say.
        assertEquals(Optional.empty(), settings("10.0.4.12", null, null).unverifiedWarning("10.0.4.12"));
        // An RDS Proxy's certificate is ACM's: the RDS bundle would not verify it.
        String proxy = "guests.proxy-c9akciq32.us-east-1.rds.amazonaws.com";
        String toProxy = settings(proxy, null, null).unverifiedWarning(proxy).orElseThrow();
        assertTrue(toProxy.contains("DB_SSL_ROOT_CERT to a bundle of the Amazon root CAs"), toProxy);
    }

    @Test
    void anExplicitModeAlwaysWins() {
        for (String mode : DatabaseSettings.SSL_MODES) {
            for (String bundle : List.of("classpath:certs/global-bundle.pem", "")) {
                DatabaseSettings db = settings(INSTANCE, mode, bundle);
                assertEquals(mode, db.sslMode(), mode + " with '" + bundle + "'");
                assertTrue(db.sslModeGiven());
                assertEquals(Optional.empty(), db.unverifiedWarning(INSTANCE), "what was asked for is not warned of");
                assertTrue(db.toString().contains("sslmode=" + mode + ", "), db.toString());
            }
        }
    }

    /** With the host in the secret, the pool asks at its start with the host it resolved. */
    @Test
    void theHostFromTheSecretIsJudgedWhenThePoolKnowsIt() {
        DatabaseSettings db = PipelineConfig.from(Map.of(
                        PipelineConfig.DB_SECRET_ARN, "arn:aws:secretsmanager:us-east-1:123456789012:secret:guests-db"))
                .database();
        assertTrue(db.host().isEmpty());
        assertEquals("require", db.sslMode());
        assertTrue(db.unverifiedWarning(INSTANCE).isPresent());
        assertEquals(Optional.empty(), db.unverifiedWarning("postgres.internal"));
    }

    @Test
    void rdsAndAuroraEndpointsAreKnownByTheirNames() {
        for (String host : List.of(
                INSTANCE,
                "guests.cluster-c9akciq32.eu-west-1.rds.amazonaws.com",
                "guests.cluster-ro-c9akciq32.eu-west-1.rds.amazonaws.com",
                "reports.cluster-custom-c9akciq32.eu-west-1.rds.amazonaws.com",
                "guests.c9akciq32.us-gov-west-1.rds.amazonaws.com",
                "guests.c9akciq32.cn-north-1.rds.amazonaws.com.cn",
                "GUESTS.C9AKCIQ32.US-EAST-1.RDS.AMAZONAWS.COM",
                INSTANCE + ".")) {
            assertTrue(DatabaseSettings.isRdsEndpoint(host), host);
        }
        for (String host : List.of(
                "rds.amazonaws.com",
                "myrds.amazonaws.com",
                "guests.rds.amazonaws.com.example.org",
                "guests.rds.amazonaws.co",
                "db.shelter.example.org",
                "10.0.4.12",
                "::1")) {
            assertFalse(DatabaseSettings.isRdsEndpoint(host), host);
        }
    }
}
