package org.hmis.predictions.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
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
 * The SnapStart priming hook of remove-exited-predictions, run as Lambda runs it before the snapshot: the handler is
 * built and primed while neither the secret (in a real Secrets Manager API, moto's server) nor the database exists
 * yet, so any read of the secret or any connection would fail it. Both are made after the hook, as if after the
 * restore, and the same handler answers a real invocation. Skipped only where moto is not installed and CI is not
 * set.
 */
class RemoveExitedPrimingTest {
    private static final String SECRET = "priming-guests-db";
    private static final String DATABASE = "priming";
    private static final Map<String, String> SDK_PROPERTIES = Map.of(
            "aws.region", "us-east-1",
            "aws.accessKeyId", "testing",
            "aws.secretAccessKey", "testing");

    private static final Map<String, String> PREVIOUS = new HashMap<>();
    private static MotoServer moto;
    private static LocalPostgres postgres;

    @BeforeAll
    static void start() {
        Optional<Path> executable = MotoServer.executable();
        if (executable.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail("moto_server is not installed, and CI is set: install moto[server] (pip install 'moto[server]')");
            }
            Assumptions.abort("moto_server is not installed (pip install 'moto[server]'): the priming test needs a"
                    + " real Secrets Manager API");
        }
        try {
            moto = MotoServer.start(executable.get());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        postgres = LocalPostgres.start();
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
        if (postgres != null) {
            postgres.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void primingReadsNoSecretAndOpensNoConnectionAndTheHandlerAnswersAfterIt() throws Exception {
        RemoveExitedHandler handler = new RemoveExitedHandler(PipelineConfig.from(Map.of(
                PipelineConfig.DB_SECRET_ARN, SECRET,
                PipelineConfig.DB_SSL_MODE, "disable",
                PipelineConfig.DB_POOL_SIZE, "1")));
        handler.priming().beforeCheckpoint(null);

        // After the restore: the database and the secret exist now, and nothing of the hook's time is in the way.
        makeDatabase();
        try (SecretsManagerClient secrets = secrets()) {
            secrets.createSecret(b -> b.name(SECRET)
                    .secretString("{\"host\":\"" + postgres.host() + "\",\"port\":" + postgres.port()
                            + ",\"dbname\":\"" + DATABASE + "\",\"username\":\"" + postgres.user()
                            + "\",\"password\":\"trusted-locally\"}"));
        }
        handler.priming().afterRestore(null);
        assertEquals(1, invoke(handler).get("rowsMarked").asLong(), "the guest who left was marked");

        // A second checkpoint of a warm handler (a version published again) closes what the invocation opened.
        assertEquals(1, sessions(), "the pool holds the invocation's connection");
        handler.priming().beforeCheckpoint(null);
        assertEquals(0, sessions(), "no connection is left open across the checkpoint");
        try (Connection c = admin(DATABASE);
                Statement st = c.createStatement()) {
            st.execute(
                    "INSERT INTO guests (personal_id, enroll_date, exit_date) VALUES (2, '2026-01-02', '2026-02-02')");
        }
        assertEquals(1, invoke(handler).get("rowsMarked").asLong(), "restored again, it reads the secret and connects");
    }

    private static void makeDatabase() throws SQLException {
        try (Connection c = admin("postgres");
                Statement st = c.createStatement()) {
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
        }
        assertFalse(sessions() > 0, "only the test has connected so far");
    }

    /** The pipeline's sessions on the database (the pool names itself; the test's own connections do not). */
    private static long sessions() throws SQLException {
        try (Connection c = admin("postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DATABASE
                        + "' AND application_name = 'exit-destination-refresh'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static SecretsManagerClient secrets() {
        return SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
    }

    private static Connection admin(String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.user(), "");
    }

    private static JsonNode invoke(RemoveExitedHandler handler) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, null);
        return TriggerJson.MAPPER.readTree(out.toByteArray());
    }
}
