package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.DatabaseSettings;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.localservices.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How the pool reaches the database, against a real PostgreSQL that checks passwords and serves no TLS (embedded, its
 * pg_hba set to scram-sha-256): host, port and database name are checked data, never URL text, so no name switches
 * TLS off; a failure that waiting cannot mend is reported at once, naming the database and the driver's cause.
 */
class DatabaseConnectionTest {
    private static final String ROLE = "connecting_pipeline";
    private static final String PASSWORD = "right-password";
    /** Far under the pool's own wait: a lasting failure is reported from the first attempt. */
    private static final Duration FAST = Duration.ofSeconds(2);

    private static LocalPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = LocalPostgres.start();
        Path hba = postgres.directory().resolve("data").resolve("pg_hba.conf");
        Files.writeString(hba, """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                host all all ::1/128 scram-sha-256
                """);
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.user(), "");
                Statement st = c.createStatement()) {
            st.execute("SELECT pg_reload_conf()");
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
        }
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Map<String, String> environment(String database, String password) {
        Map<String, String> env = new HashMap<>();
        env.put(PipelineConfig.RDS_HOST, "127.0.0.1");
        env.put(PipelineConfig.RDS_PORT, String.valueOf(postgres.port()));
        env.put(PipelineConfig.RDS_DB_NAME, database);
        env.put(PipelineConfig.RDS_USERNAME, ROLE);
        env.put(PipelineConfig.RDS_USER_PWD, password);
        env.put(PipelineConfig.DB_SSL_MODE, "disable");
        env.put(PipelineConfig.DB_POOL_SIZE, "1");
        return env;
    }

    /** The settings as the record holds them, none of PipelineConfig's checks applied: what the pool itself does. */
    private static DatabaseSettings unchecked(String host, String database, String sslMode) {
        return new DatabaseSettings(
                Optional.of(host),
                postgres.port(),
                Optional.of(database),
                Optional.of(ROLE),
                Optional.of(PASSWORD),
                Optional.empty(),
                sslMode,
                true,
                Optional.empty(),
                1);
    }

    private static ConfigurationException refusedAtStart(String variable, String value) {
        Map<String, String> env = environment("postgres", PASSWORD);
        env.put(variable, value);
        return assertThrows(
                ConfigurationException.class, () -> PipelineConfig.from(env).database(), variable + "=" + value);
    }

    @Test
    void aDatabaseNameThatWouldBeUrlTextIsRefusedNamingTheVariable() {
        for (String name : List.of("postgres?sslmode=disable", "postgres&sslmode=disable", "a/b", "x=y")) {
            ConfigurationException e = refusedAtStart(PipelineConfig.RDS_DB_NAME, name);
            assertTrue(e.getMessage().startsWith("RDS_DB_NAME must be a database name without ?, &, /, ="), name);
            assertTrue(e.getMessage().endsWith("was '" + name + "'"), e.getMessage());
        }
        assertEquals(
                Optional.of("intake_app-2"),
                PipelineConfig.from(environment("intake_app-2", PASSWORD))
                        .database()
                        .databaseName());
    }

    @Test
    void aHostThatIsNotAHostNameOrAnAddressIsRefusedNamingTheVariable() {
        for (String host : List.of(
                "db.internal/postgres?sslmode=disable",
                "db?sslmode=disable",
                "db:5433",
                "a b",
                "-db",
                "999.1.1.1",
                "[::1")) {
            ConfigurationException e = refusedAtStart(PipelineConfig.RDS_HOST, host);
            assertEquals("RDS_HOST must be a host name or an IP address, was '" + host + "'", e.getMessage());
        }
        for (String host : List.of("guests.abc123.us-east-1.rds.amazonaws.com", "127.0.0.1", "::1", "[::1]", "db")) {
            Map<String, String> env = environment("postgres", PASSWORD);
            env.put(PipelineConfig.RDS_HOST, host);
            assertEquals(Optional.of(host), PipelineConfig.from(env).database().host());
        }
    }

    /**
     * {@code DB_SSL_MODE=require} holds whatever the name says: the driver gets the name as its property (encoded in
     * any URL it makes), so this server, which serves no TLS, refuses the connection instead of taking it in clear.
     */
    @Test
    void sslmodeCannotBeSwitchedOffThroughTheDatabaseName() {
        String hostile = "postgres?sslmode=disable";
        try (Database database = Database.connect(unchecked("127.0.0.1", hostile, "require"))) {
            SQLException e = assertThrows(SQLException.class, database::connection);
            assertTrue(e.getMessage().contains("The server does not support SSL"), e.getMessage());
        }
        PGSimpleDataSource driver = new PGSimpleDataSource();
        Database.configure(
                driver,
                new DatabaseCredentials("127.0.0.1", postgres.port(), hostile, ROLE, PASSWORD),
                "require",
                null);
        assertEquals(hostile, driver.getDatabaseName());
        assertEquals("require", driver.getSslMode());
        assertFalse(driver.getUrl().contains("sslmode=disable"), driver.getUrl());
        assertFalse(driver.getUrl().contains(PASSWORD), "no password in the URL");
    }

    @Test
    void theRightCredentialsConnect() throws SQLException {
        try (Database database = Database.connect(
                        PipelineConfig.from(environment("postgres", PASSWORD)).database());
                Connection c = database.connection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_user, current_database()")) {
            rs.next();
            assertEquals(ROLE, rs.getString(1));
            assertEquals("postgres", rs.getString(2));
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceNamingTheDatabaseAndTheCause() {
        SQLException e = fastFailure(environment("postgres", "wrong-password"));
        assertNamed(e, "postgres", "password authentication failed for user \"" + ROLE + "\"", "28P01");
        assertFalse(e.getMessage().contains("wrong-password"), "no password in the failure: " + e.getMessage());
    }

    @Test
    void anUnknownRoleFailsAtOnceNamingTheDatabaseAndTheCause() {
        Map<String, String> env = environment("postgres", PASSWORD);
        env.put(PipelineConfig.RDS_USERNAME, "nobody_here");
        SQLException e = fastFailure(env);
        assertTrue(
                e.getMessage().contains("127.0.0.1:" + postgres.port() + "/postgres as nobody_here"), e.getMessage());
        assertTrue(e.getMessage().contains("SQLSTATE 28"), e.getMessage());
    }

    @Test
    void anUnknownDatabaseFailsAtOnceNamingTheDatabaseAndTheCause() {
        SQLException e = fastFailure(environment("no_such_database", PASSWORD));
        assertNamed(e, "no_such_database", "database \"no_such_database\" does not exist", "3D000");
    }

    @Test
    void aRefusedPortFailsAtOnceNamingTheDatabaseAndTheCause() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = environment("postgres", PASSWORD);
        env.put(PipelineConfig.RDS_PORT, String.valueOf(closedPort));
        SQLException e = fastFailure(env);
        assertTrue(
                e.getMessage()
                        .startsWith("cannot connect to the database 127.0.0.1:" + closedPort + "/postgres as " + ROLE
                                + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(SQLSTATE 08001)"), e.getMessage());
    }

    private static SQLException fastFailure(Map<String, String> env) {
        try (Database database = Database.connect(PipelineConfig.from(env).database())) {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, database::connection);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(FAST) < 0, "failed after " + took + ", not at once: " + e.getMessage());
            return e;
        }
    }

    private static void assertNamed(SQLException e, String database, String cause, String sqlState) {
        assertTrue(
                e.getMessage()
                        .startsWith("cannot connect to the database 127.0.0.1:" + postgres.port() + "/" + database
                                + " as " + ROLE + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains(cause), e.getMessage());
        assertEquals(sqlState, e.getSQLState(), e.getMessage());
    }
}
