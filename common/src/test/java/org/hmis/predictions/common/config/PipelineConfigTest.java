package org.hmis.predictions.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

    private static Map<String, String> original() {
        Map<String, String> env = new HashMap<>();
        env.put("RDS_HOST", "guests.cluster-abc.us-east-1.rds.amazonaws.com");
        env.put("RDS_USERNAME", "pipeline");
        env.put("RDS_USER_PWD", "s3cret-pw");
        env.put("S3_BUCKET", "shelter-predictions");
        env.put("MODEL_NAME", "exit-v3");
        return env;
    }

    @Test
    void theOriginalVariablesStillConfigureEverything() {
        PipelineConfig config = PipelineConfig.from(original());
        DatabaseSettings db = config.database();
        assertEquals("guests.cluster-abc.us-east-1.rds.amazonaws.com", db.host().orElseThrow());
        assertEquals(5432, db.port());
        assertEquals("pipeline", db.username().orElseThrow());
        assertEquals("require", db.sslMode(), "TLS is on by default");
        assertEquals(2, db.poolSize());
        assertEquals("shelter-predictions", config.storage().inputBucket());
        assertEquals("shelter-predictions", config.storage().outputBucket());
        assertEquals("exit-v3", config.modelName());
        assertEquals("\"guests\"", config.guestsTable().quoted());
        assertEquals(50_000, config.partRows());
    }

    @Test
    void originAndDestinationBucketsSplitInputFromOutput() {
        Map<String, String> env = original();
        env.remove("S3_BUCKET");
        env.put("S3_BUCKET_ORIGIN", "wrangled-in");
        env.put("S3_BUCKET_DESTINATION", "predictions-out");
        StorageSettings storage = PipelineConfig.from(env).storage();
        assertEquals("wrangled-in", storage.inputBucket());
        assertEquals("predictions-out", storage.outputBucket());
    }

    @Test
    void aMissingVariableIsNamed() {
        Map<String, String> env = original();
        env.remove("RDS_HOST");
        ConfigurationException e = assertThrows(
                ConfigurationException.class, () -> PipelineConfig.from(env).database());
        assertTrue(e.getMessage().startsWith("RDS_HOST is not set"), e.getMessage());

        env.put("RDS_HOST", "db");
        env.remove("RDS_USER_PWD");
        e = assertThrows(
                ConfigurationException.class, () -> PipelineConfig.from(env).database());
        assertTrue(e.getMessage().startsWith("RDS_USER_PWD is not set"), e.getMessage());

        env.remove("S3_BUCKET");
        e = assertThrows(
                ConfigurationException.class, () -> PipelineConfig.from(env).storage());
        assertTrue(e.getMessage().startsWith("S3_BUCKET is not set"), e.getMessage());
    }

    @Test
    void aMalformedValueIsNamedWhenTheConfigurationLoads() {
        assertNamed("RDS_PORT", "five", "RDS_PORT must be a whole number, was 'five'");
        assertNamed("RDS_PORT", "70000", "RDS_PORT must be between 1 and 65535, was 70000");
        assertNamed("PART_ROWS", "0", "PART_ROWS must be between 1 and 10000000, was 0");
        assertNamed("DB_SSL_MODE", "sometimes", "DB_SSL_MODE must be one of");
        assertNamed("S3_ENDPOINT", "localhost:9000", "S3_ENDPOINT must be an http(s) URL");
        assertNamed("GUESTS_TABLE", "guests; DROP TABLE guests", "GUESTS_TABLE is not a valid table name");
        assertNamed("MODEL_NAME", "../other", "MODEL_NAME must be letters");
    }

    @Test
    void aMalformedBucketIsNamedWhenStorageIsAskedFor() {
        Map<String, String> env = original();
        env.put("S3_BUCKET", "Not_A_Bucket");
        ConfigurationException e = assertThrows(
                ConfigurationException.class, () -> PipelineConfig.from(env).storage());
        assertTrue(e.getMessage().startsWith("S3_BUCKET is not a valid S3 bucket name"), e.getMessage());
    }

    @Test
    void aSecretArnReplacesTheCredentialVariables() {
        Map<String, String> env = Map.of(
                "DB_SECRET_ARN",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:guests-db",
                "S3_BUCKET",
                "b-1",
                "S3_ENDPOINT",
                "http://127.0.0.1:9000",
                "DB_SSL_MODE",
                "verify-full");
        PipelineConfig config = PipelineConfig.from(env);
        DatabaseSettings db = config.database();
        assertTrue(db.secretArn().isPresent());
        assertTrue(db.host().isEmpty());
        assertEquals("verify-full", db.sslMode());
        assertEquals(
                URI.create("http://127.0.0.1:9000"), config.storage().endpoint().orElseThrow());
    }

    @Test
    void thePasswordNeverAppearsInTheSettingsText() {
        assertFalse(PipelineConfig.from(original()).database().toString().contains("s3cret-pw"));
    }

    private static void assertNamed(String variable, String value, String expectedStart) {
        Map<String, String> env = original();
        env.put(variable, value);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> PipelineConfig.from(env));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
