package org.hmis.predictions.localservices;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh, empty PostgreSQL database for each test class, dropped after it:
 * <pre>{@code @RegisterExtension static final TestPostgres PG = new TestPostgres();}</pre>
 * The server is, in this order: the one {@code TEST_JDBC_URL} names (system property or environment variable,
 * e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}; also {@code TEST_JDBC_USER},
 * {@code TEST_JDBC_PASSWORD}); else a {@code postgres:16-alpine} container where Docker runs; else an embedded
 * server. Container and embedded server are started once per test JVM, on first use, and stopped when the JVM
 * exits.
 */
public final class TestPostgres implements BeforeAllCallback, AfterAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(TestPostgres.class);
    private static final StartedOnce<PostgresServer> SHARED_SERVER = new StartedOnce<>(TestPostgres::startServer);

    private PostgresServer server;
    private String database;
    private String ownerContextId;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ownerContextId != null) {
            return; // a nested class shares its enclosing class's database
        }
        server = SHARED_SERVER.get();
        database = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try {
            server.createDatabase(database);
        } catch (SQLException e) {
            throw new ServiceStartException(
                    "Could not create the test database " + database + " on " + server + ": " + e.getMessage(), e);
        }
        ownerContextId = context.getUniqueId();
        LOG.info("{} uses database {} on {}", context.getDisplayName(), database, server);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (!context.getUniqueId().equals(ownerContextId)) {
            return;
        }
        try {
            server.dropDatabase(database);
        } finally {
            ownerContextId = null;
        }
    }

    private static PostgresServer startServer() {
        var existing = ExistingPostgres.fromSettings();
        if (existing.isPresent()) {
            return existing.get();
        }
        if (DockerAvailability.isAvailable()) {
            try {
                ContainerPostgres container = ContainerPostgres.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::close, "test-postgres-container-stop"));
                return container;
            } catch (RuntimeException e) {
                LOG.warn(
                        "Docker runs but the {} container did not start ({}); using embedded PostgreSQL",
                        ContainerPostgres.IMAGE,
                        e.getMessage());
            }
        }
        try {
            return LocalPostgres.start();
        } catch (ServiceStartException e) {
            throw new ServiceStartException(
                    e.getMessage() + "\nTo run the tests against an existing server, set "
                            + ExistingPostgres.URL_SETTING
                            + ", e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres",
                    e);
        }
    }

    /** JDBC URL of this test class's database (no credentials in it). */
    public String jdbcUrl() {
        return server().jdbcUrl(database);
    }

    public String user() {
        return server().user();
    }

    public String password() {
        return server().password();
    }

    /** The name of this test class's database. */
    public String database() {
        server();
        return database;
    }

    /** A new connection to this test class's database; the caller closes it. */
    public Connection connect() throws SQLException {
        return server().connect(database);
    }

    /**
     * How many sessions of this test class's database are waiting for a lock: after a step ran out of time, none of
     * its statements may be left waiting on the server.
     */
    public long sessionsWaitingOnLocks() throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** This test class's database as a DataSource (a new connection per call), for code that takes one. */
    public DataSource dataSource() {
        return dataSource(null);
    }

    /** The same, with {@code schema} first on each connection's search path (null for the server's default). */
    public DataSource dataSource(String schema) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(jdbcUrl());
        source.setUser(user());
        source.setPassword(password());
        if (schema != null) {
            source.setCurrentSchema(schema);
        }
        return source;
    }

    private PostgresServer server() {
        if (server == null) {
            throw new IllegalStateException("TestPostgres has no database yet: register it on a static field with "
                    + "@RegisterExtension and use it from tests or @BeforeAll methods");
        }
        return server;
    }
}
