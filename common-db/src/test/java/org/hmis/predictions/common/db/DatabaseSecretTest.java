package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.DatabaseSettings;
import org.hmis.predictions.common.config.PipelineConfig;
import org.junit.jupiter.api.Test;

class DatabaseSecretTest {
    private static final String RDS_SECRET = """
            {"engine":"postgres","host":"guests.abc.us-east-1.rds.amazonaws.com","port":5433,
             "dbname":"intake","username":"pipeline","password":"pw-from-secret"}""";

    private static DatabaseSettings settings(Map<String, String> env) {
        return PipelineConfig.from(env).database();
    }

    @Test
    void theUsualRdsSecretFillsEveryField() {
        DatabaseCredentials c = DatabaseSecret.fromSecretJson(RDS_SECRET, settings(Map.of("DB_SECRET_ARN", "arn:x")));
        assertEquals(
                new DatabaseCredentials(
                        "guests.abc.us-east-1.rds.amazonaws.com", 5433, "intake", "pipeline", "pw-from-secret"),
                c);
    }

    @Test
    void variablesSetExplicitlyWinOverTheSecret() {
        DatabaseCredentials c = DatabaseSecret.fromSecretJson(
                RDS_SECRET,
                settings(Map.of("DB_SECRET_ARN", "arn:x", "RDS_HOST", "proxy.internal", "RDS_DB_NAME", "shelter")));
        assertEquals("proxy.internal", c.host());
        assertEquals("shelter", c.databaseName());
        assertEquals("pw-from-secret", c.password());
    }

    @Test
    void aSecretWithoutAPasswordIsNamed() {
        ConfigurationException e = assertThrows(
                ConfigurationException.class,
                () -> DatabaseSecret.fromSecretJson(
                        "{\"host\":\"h\",\"username\":\"u\"}", settings(Map.of("DB_SECRET_ARN", "arn:x"))));
        assertTrue(e.getMessage().contains("no 'password' field"), e.getMessage());
        assertTrue(e.getMessage().contains("DB_SECRET_ARN"), e.getMessage());
    }

    @Test
    void credentialsNeverPrintThePassword() {
        DatabaseCredentials c = DatabaseSecret.fromSecretJson(RDS_SECRET, settings(Map.of("DB_SECRET_ARN", "arn:x")));
        assertTrue(!c.toString().contains("pw-from-secret"));
    }

    private static ConfigurationException refusedSecret(String field, String json) {
        String secret = RDS_SECRET.replaceFirst("\"" + field + "\":[^,}]*", "\"" + field + "\":" + json);
        return assertThrows(
                ConfigurationException.class,
                () -> DatabaseSecret.fromSecretJson(secret, settings(Map.of("DB_SECRET_ARN", "arn:x"))),
                secret);
    }

    @Test
    void theSecretsHostPortAndDatabaseNameAreCheckedAsTheVariablesAre() {
        assertEquals(
                "the secret named by DB_SECRET_ARN: its 'host' field must be a host name or an IP address, was"
                        + " 'guests.internal/postgres?sslmode=disable'",
                refusedSecret("host", "\"guests.internal/postgres?sslmode=disable\"")
                        .getMessage());
        assertTrue(refusedSecret("dbname", "\"intake?sslmode=disable\"")
                .getMessage()
                .startsWith("the secret named by DB_SECRET_ARN: its 'dbname' field must be a database name without"));
        for (String port : List.of("\"5433x\"", "0", "70000", "true", "5432.5")) {
            String message = refusedSecret("port", port).getMessage();
            assertTrue(
                    message.startsWith(
                            "the secret named by DB_SECRET_ARN: its 'port' field must be a port, 1 to 65535"),
                    port + ": " + message);
        }
        DatabaseCredentials textPort = DatabaseSecret.fromSecretJson(
                RDS_SECRET.replace("5433", "\"5434\""), settings(Map.of("DB_SECRET_ARN", "arn:x")));
        assertEquals(5434, textPort.port());
    }
}
