package org.hmis.predictions.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.LocalPostgres;
import org.hmis.predictions.localservices.MotoServer;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A warm handler whose database password is rotated: a real Secrets Manager API (moto's server) holds the secret, and
 * a real PostgreSQL server that checks passwords (embedded, its pg_hba set to scram-sha-256) holds the role whose
 * password the test changes. Skipped only where moto is not installed and CI is not set; under CI its absence fails.
 */
class DatabasePasswordRotationTest {
    private static final String ROLE = "rotating_pipeline";
    private static final String DATABASE = "rotation";
    /** The SDK reads its region, keys and the Secrets Manager endpoint from these when nothing else is configured. */
    private static final Map<String, String> SDK_PROPERTIES = Map.of(
            "aws.region", "us-east-1",
            "aws.accessKeyId", "testing",
            "aws.secretAccessKey", "testing");

    private static final Map<String, String> PREVIOUS = new HashMap<>();
    private static MotoServer moto;
    private static LocalPostgres postgres;
    private static SecretsManagerClient secrets;
    private static String secretArn;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> executable = MotoServer.executable();
        if (executable.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail("moto_server is not installed, and CI is set: install moto[server] (pip install 'moto[server]')");
            }
            Assumptions.abort("moto_server is not installed (pip install 'moto[server]'): the rotation test needs a"
                    + " real Secrets Manager API");
        }
        moto = MotoServer.start(executable.get());
        postgres = LocalPostgres.start();
        Path hba = postgres.directory().resolve("data").resolve("pg_hba.conf");
        Files.writeString(hba, """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                host all all ::1/128 scram-sha-256
                """);
        try (Connection c = admin("postgres");
                Statement st = c.createStatement()) {
            st.execute("SELECT pg_reload_conf()");
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD 'first-password'");
            st.execute("CREATE DATABASE " + DATABASE);
        }
        PGSimpleDataSource owner = new PGSimpleDataSource();
        owner.setUrl(postgres.jdbcUrl(DATABASE));
        owner.setUser(postgres.user());
        PipelineSchema.migrate(owner, SqlIdentifier.of("guests"));
        try (Connection c = admin(DATABASE);
                Statement st = c.createStatement()) {
            GuestsTable.create(c, SqlIdentifier.of("guests"));
            st.execute("ALTER TABLE guests ADD COLUMN predicted_exit_destination VARCHAR");
            st.execute(
                    "INSERT INTO guests (personal_id, enroll_date, exit_date) VALUES (1, '2026-01-01', '2026-02-01')");
            // DELETE: remove withdraws the outcome of an exit that was cleared (infra/sql/grants.sql).
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + ROLE);
        }
        secrets = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        secretArn = secrets.createSecret(b -> b.name("guests-db").secretString(secret("first-password")))
                .arn();
        Map<String, String> properties = new HashMap<>(SDK_PROPERTIES);
        properties.put("aws.endpointUrlSecretsManager", moto.endpoint().toString());
        properties.forEach((name, value) -> {
            PREVIOUS.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
    }

    @AfterAll
    static void stop() {
        PREVIOUS.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
        if (secrets != null) {
            secrets.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static Connection admin(String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.user(), "");
    }

    private static String secret(String password) {
        return "{\"host\":\"" + postgres.host() + "\",\"port\":" + postgres.port() + ",\"dbname\":\"" + DATABASE
                + "\",\"username\":\"" + ROLE + "\",\"password\":\"" + password + "\"}";
    }

    private static JsonNode invoke(RemoveExitedHandler handler) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, null);
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }

    /** Ends the role's sessions, as a pooled connection's lifetime would: the next invocation must log in again. */
    private static void endSessions() throws SQLException, InterruptedException {
        try (Connection c = admin("postgres");
                Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + ROLE + "'");
        }
        // The pool checks a connection idle for more than half a second before it hands it out.
        Thread.sleep(1_000);
    }

    @Test
    void aWarmHandlerReadsTheSecretAgainWhenThePasswordWasRotated() throws Exception {
        RemoveExitedHandler handler = new RemoveExitedHandler(PipelineConfig.from(Map.of(
                PipelineConfig.DB_SECRET_ARN, secretArn,
                PipelineConfig.DB_SSL_MODE, "disable",
                PipelineConfig.DB_POOL_SIZE, "1")));
        assertEquals(1, invoke(handler).get("rowsMarked").asLong(), "warm, with the first password");

        // The password changes but the secret does not yet: the handler says so and fails, naming no secret.
        try (Connection c = admin("postgres");
                Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + ROLE + " PASSWORD 'second-password'");
        }
        endSessions();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> invoke(handler));
        StringBuilder chain = new StringBuilder();
        for (Throwable t = refused; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertTrue(chain.toString().contains("password authentication failed"), chain.toString());
        assertTrue(!chain.toString().contains("-password"), "no password in the failure: " + chain);

        // Rotation completes: the secret holds the new password; the same warm handler reads it and goes on.
        secrets.putSecretValue(b -> b.secretId(secretArn).secretString(secret("second-password")));
        try (Connection c = admin(DATABASE);
                Statement st = c.createStatement()) {
            st.execute(
                    "INSERT INTO guests (personal_id, enroll_date, exit_date) VALUES (2, '2026-01-02', '2026-02-02')");
        }
        JsonNode after = invoke(handler);
        assertEquals(1, after.get("rowsMarked").asLong(), "the guest who left since was marked");
    }
}
