package org.hmis.predictions.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.DatabaseSettings;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, built once per container and reused by every invocation. It is small on purpose:
 * a function handles one invocation at a time, and many warm containers must not exhaust the server's
 * connection slots.
 *
 * <p>Credentials from Secrets Manager rotate (RDS rotates its managed secrets every 7 days by default), while a warm
 * container keeps what it read at start. So when the server refuses a new connection's password (SQLSTATE
 * {@value #INVALID_PASSWORD}), the pool re-reads the secret once, and if it holds other credentials, builds a new
 * pool from them and tries again; the old pool's connections close as they come back. That it happened is logged,
 * never the secret.
 */
public final class Database implements AutoCloseable {
    /** SQLSTATE invalid_password: the server refused the password. */
    public static final String INVALID_PASSWORD = "28P01";

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Pool pool;
    private final Supplier<DatabaseCredentials> secret;
    private final List<HikariDataSource> retired = new ArrayList<>();
    private final DataSource dataSource = new RotatingDataSource();
    private HikariDataSource current;
    private DatabaseCredentials credentials;

    /** How a pool is built for a set of credentials. */
    @FunctionalInterface
    private interface Pool {
        HikariDataSource build(DatabaseCredentials credentials);
    }

    private Database(Pool pool, DatabaseCredentials credentials, Supplier<DatabaseCredentials> secret) {
        this.pool = pool;
        this.credentials = credentials;
        this.secret = secret;
        this.current = pool.build(credentials);
    }

    /** A pool as the functions configure it; {@code DB_SSL_ROOT_CERT} given as {@code s3://} is refused. */
    public static Database connect(DatabaseSettings settings) {
        return connect(settings, CaBundle.NO_OBJECT_STORE);
    }

    /**
     * A pool as the functions configure it: credentials from the variables or the secret, TLS as {@code DB_SSL_MODE}
     * says, checked against the CA bundle {@code DB_SSL_ROOT_CERT} names (read once, here; {@code objects} reads an
     * {@code s3://} bundle).
     */
    public static Database connect(DatabaseSettings settings, CaBundle.ObjectReader objects) {
        Optional<Path> rootCert = settings.sslRootCert().map(location -> CaBundle.file(location, objects));
        DatabaseCredentials credentials = DatabaseSecret.resolve(settings);
        Supplier<DatabaseCredentials> secret =
                settings.secretArn().isPresent() ? () -> DatabaseSecret.resolve(settings) : null;
        return new Database(
                c -> pool(
                        "jdbc:postgresql://" + c.host() + ":" + c.port() + "/" + c.databaseName(),
                        c.username(),
                        c.password(),
                        settings.sslMode(),
                        rootCert.map(Path::toString).orElse(null),
                        settings.poolSize()),
                credentials,
                secret);
    }

    /** A pool on an explicit JDBC URL (tests and the local runner); {@code sslMode} null keeps the URL's own. */
    public static Database connect(String jdbcUrl, String user, String password, String sslMode, int poolSize) {
        return new Database(
                c -> pool(jdbcUrl, c.username(), c.password(), sslMode, null, poolSize),
                new DatabaseCredentials("", 0, "", user, password),
                null);
    }

    private static HikariDataSource pool(
            String jdbcUrl, String user, String password, String sslMode, String sslRootCert, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("guests-db");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setAutoCommit(true);
        // A frozen container's sockets may be dead when it thaws; Hikari checks on borrow.
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "exit-destination-refresh");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        if (sslMode != null) {
            config.addDataSourceProperty("sslmode", sslMode);
        }
        if (sslRootCert != null) {
            config.addDataSourceProperty("sslrootcert", sslRootCert);
        }
        return new HikariDataSource(config);
    }

    /** Connections from the current pool; one that fails on a rotated password is retried once on a rebuilt pool. */
    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public synchronized void close() {
        current.close();
        retired.forEach(HikariDataSource::close);
    }

    private synchronized HikariDataSource current() {
        return current;
    }

    /**
     * After {@code failed} refused the password: re-reads the secret and, when it holds other credentials, builds a
     * new pool. Returns the pool to retry on, or empty when there is nothing new to try.
     */
    private synchronized Optional<HikariDataSource> rotate(HikariDataSource failed) {
        if (current != failed) {
            return Optional.of(current); // another thread rotated already
        }
        if (secret == null) {
            return Optional.empty();
        }
        DatabaseCredentials fresh = secret.get();
        if (fresh.equals(credentials)) {
            LOG.error(
                    "the database refused the password ({}) and the secret still holds the same credentials for {}",
                    INVALID_PASSWORD,
                    fresh);
            return Optional.empty();
        }
        LOG.warn(
                "the database refused the password ({}): re-read the secret (DB_SECRET_ARN), rebuilt the pool for {}",
                INVALID_PASSWORD,
                fresh);
        credentials = fresh;
        current = pool.build(fresh);
        // Connections handed out before stay usable; the old pool closes each as it comes back.
        failed.getHikariPoolMXBean().softEvictConnections();
        retired.add(failed);
        return Optional.of(current);
    }

    static boolean passwordRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && INVALID_PASSWORD.equals(sql.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private final class RotatingDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            HikariDataSource pool = current();
            try {
                return pool.getConnection();
            } catch (SQLException e) {
                if (!passwordRefused(e)) {
                    throw e;
                }
                Optional<HikariDataSource> retry = rotate(pool);
                if (retry.isEmpty()) {
                    throw e;
                }
                return retry.get().getConnection();
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the pool's credentials come from the configuration");
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return current().getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            current().setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            current().setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return current().getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return current().getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            return current().unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(this) || current().isWrapperFor(type);
        }
    }
}
