package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
