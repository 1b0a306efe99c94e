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
 *
 * <p>Nothing is read or opened before the first connection is asked for: the credentials (and with them the secret)
 * are resolved, and the pool started, then. So a container's init does no network work for the database, and a
 * SnapStart snapshot taken after init holds neither a secret nor a connection; {@link #release} drops both again
 * (a priming hook calls it before the checkpoint).
 */
public final class Database implements AutoCloseable {
    /** SQLSTATE invalid_password: the server refused the password. */
    public static final String INVALID_PASSWORD = "28P01";

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Pool pool;
    private final Supplier<DatabaseCredentials> resolve;
    private final boolean fromSecret;
    private final List<HikariDataSource> retired = new ArrayList<>();
    private final DataSource dataSource = new RotatingDataSource();
    private HikariDataSource current;
    private DatabaseCredentials credentials;

    /** How a pool is built for a set of credentials. */
    @FunctionalInterface
    private interface Pool {
        HikariDataSource build(DatabaseCredentials credentials);
    }

    /**
     * @param resolve where the credentials come from, asked at the first connection and after {@link #release}
     * @param fromSecret whether asking again may give other credentials (a rotated secret)
     */
    private Database(Pool pool, Supplier<DatabaseCredentials> resolve, boolean fromSecret) {
        this.pool = pool;
        this.resolve = resolve;
        this.fromSecret = fromSecret;
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
        return new Database(
                c -> pool(
                        "jdbc:postgresql://" + c.host() + ":" + c.port() + "/" + c.databaseName(),
                        c.username(),
                        c.password(),
                        settings.sslMode(),
                        rootCert.map(Path::toString).orElse(null),
                        settings.poolSize()),
                () -> DatabaseSecret.resolve(settings),
                settings.secretArn().isPresent());
    }

    /** A pool on an explicit JDBC URL (tests and the local runner); {@code sslMode} null keeps the URL's own. */
    public static Database connect(String jdbcUrl, String user, String password, String sslMode, int poolSize) {
        return new Database(
                c -> pool(jdbcUrl, c.username(), c.password(), sslMode, null, poolSize),
                () -> new DatabaseCredentials("", 0, "", user, password),
                false);
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

    /**
     * Loads the driver's and the pool's classes opening nothing and reading no
     * credentials: what a SnapStart priming hook may do for the database before the snapshot.
     */
    public static void loadClasses() {
        new HikariConfig().setPoolName("priming");
        for (String name : List.of(
                "org.postgresql.Driver",
                "org.postgresql.core.v3.ConnectionFactoryImpl",
                "org.postgresql.core.v3.QueryExecutorImpl",
                "org.postgresql.jdbc.PgConnection",
                "org.postgresql.jdbc.PgPreparedStatement",
                "org.postgresql.jdbc.PgResultSet",
                "org.postgresql.copy.CopyManager",
                "org.postgresql.ssl.MakeSSL",
                "org.postgresql.core.v3.ScramAuthenticator",
                "org.postgresql.shaded.com.ongres.scram.client.ScramClient",
                "com.zaxxer.hikari.pool.HikariPool",
                "com.zaxxer.hikari.pool.PoolEntry",
                "com.zaxxer.hikari.pool.HikariProxyConnection",
                "com.zaxxer.hikari.pool.HikariProxyPreparedStatement")) {
            try {
                Class.forName(name, true, Database.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("priming: the driver or pool has no class " + name, e);
            }
        }
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
        release();
    }

    /**
     * Closes every connection and forgets the credentials; the next connection resolves them again and starts a new
     * pool. Before a SnapStart checkpoint: the snapshot then holds no connection and no secret.
     */
    public synchronized void release() {
        if (current != null) {
            current.close();
            current = null;
        }
        retired.forEach(HikariDataSource::close);
        retired.clear();
        credentials = null;
    }

    /** Whether a pool is started (a connection was asked for since the start or the last {@link #release}). */
    public synchronized boolean started() {
        return current != null;
    }

    /** The pool, started on the first call with the credentials resolved then. */
    private synchronized HikariDataSource current() {
        if (current == null) {
            credentials = resolve.get();
            current = pool.build(credentials);
        }
        return current;
    }

    /**
     * After {@code failed} refused the password: re-reads the secret and, when it holds other credentials, builds a
     * new pool. Returns the pool to retry on, or empty when there is nothing new to try.
     */
    private synchronized Optional<HikariDataSource> rotate(HikariDataSource failed) {
        if (current != failed) {
            return Optional.of(current()); // another thread rotated (or released) already
        }
        if (!fromSecret) {
            return Optional.empty();
        }
        DatabaseCredentials fresh = resolve.get();
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
