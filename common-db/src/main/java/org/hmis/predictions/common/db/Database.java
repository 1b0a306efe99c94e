package org.hmis.predictions.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.DatabaseSettings;
import org.postgresql.ds.PGSimpleDataSource;
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
 *
 * <p>Host, port, database name and TLS settings reach the driver as its properties ({@link #configure}), never as URL
 * text. A failure that waiting cannot mend (the login or the connection refused, no such database, TLS refused) is
 * reported at the first attempt, naming the database ({@code host:port/name as user}) and the driver's cause; only
 * one that may pass waits the pool's timeout.
 */
public final class Database implements AutoCloseable {
    /** SQLSTATE invalid_password: the server refused the password. */
    public static final String INVALID_PASSWORD = "28P01";

    /** How long the pool waits for a connection when the server does not answer, or answers that it may later. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Source source;
    private final int poolSize;
    private final Supplier<DatabaseCredentials> resolve;
    private final boolean fromSecret;
    private final List<HikariDataSource> retired = new ArrayList<>();
    private final DataSource dataSource = new RotatingDataSource();
    private HikariDataSource current;
    private DatabaseCredentials credentials;
    /** The database {@link #current} reaches, for messages. */
    private volatile String where;
    /** The data source of {@link #current}, whose first connection the pool may not have taken yet. */
    private FirstConnection unclaimed;

    /** How the driver's data source is set for a set of credentials. */
    @FunctionalInterface
    private interface Source {
        void configure(PGSimpleDataSource source, DatabaseCredentials credentials);
    }

    /**
     * @param resolve where the credentials come from, asked at the first connection and after {@link #release}
     * @param fromSecret whether asking again may give other credentials (a rotated secret)
     */
    private Database(Source source, int poolSize, Supplier<DatabaseCredentials> resolve, boolean fromSecret) {
        this.source = source;
        this.poolSize = poolSize;
        this.resolve = resolve;
        this.fromSecret = fromSecret;
    }

    /** A pool as the functions configure it; {@code DB_SSL_ROOT_CERT} given as {@code s3://} is refused. */
    public static Database connect(DatabaseSettings settings) {
        return connect(settings, CaBundle.NO_OBJECT_STORE);
    }

    /**
     * A pool as the functions configure it: credentials from the variables or the secret, TLS as
     * {@link DatabaseSettings#sslMode} says, checked against the CA bundle {@code DB_SSL_ROOT_CERT} names (read once,
     * here; {@code objects} reads an {@code s3://} bundle).
     */
    public static Database connect(DatabaseSettings settings, CaBundle.ObjectReader objects) {
        Optional<Path> rootCert = settings.sslRootCert().map(location -> CaBundle.file(location, objects));
        return new Database(
                (source, c) -> {
                    // The host may come from the secret: known only now.
                    settings.unverifiedWarning(c.host()).ifPresent(LOG::warn);
                    configure(
                            source,
                            c,
                            settings.sslMode(),
                            rootCert.map(Path::toString).orElse(null));
                },
                settings.poolSize(),
                () -> DatabaseSecret.resolve(settings),
                settings.secretArn().isPresent());
    }

    /** A pool on an explicit JDBC URL (tests and the local runner); {@code sslMode} null keeps the URL's own. */
    public static Database connect(String jdbcUrl, String user, String password, String sslMode, int poolSize) {
        return new Database(
                (source, c) -> {
                    source.setUrl(jdbcUrl);
                    if (user != null) {
                        source.setUser(user);
                    }
                    if (password != null) {
                        source.setPassword(password);
                    }
                    if (sslMode != null) {
                        source.setSslMode(sslMode);
                    }
                    common(source);
                },
                poolSize,
                () -> new DatabaseCredentials("", 0, "", user, password),
                false);
    }

    /**
     * The driver's connection settings as its properties, never as URL text: host, port and database name are each
     * one property (the driver encodes the name in any URL it makes), so no value can carry another setting, and the
     * TLS settings are exactly these.
     */
    static void configure(PGSimpleDataSource source, DatabaseCredentials c, String sslMode, String sslRootCert) {
        source.setServerNames(
                new String[] {c.host().contains(":") && !c.host().startsWith("[") ? "[" + c.host() + "]" : c.host()});
        source.setPortNumbers(new int[] {c.port()});
        source.setDatabaseName(c.databaseName());
        source.setUser(c.username());
        source.setPassword(c.password());
        source.setSslMode(sslMode);
        if (sslRootCert != null) {
            source.setSslRootCert(sslRootCert);
        }
        common(source);
    }

    private static void common(PGSimpleDataSource source) {
        source.setApplicationName("exit-destination-refresh");
        source.setTcpKeepAlive(true);
    }

    private static HikariDataSource pool(DataSource connections, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("guests-db");
        config.setDataSource(connections);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setAutoCommit(true);
        // A frozen container's sockets may be dead when it thaws; Hikari checks on borrow.
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        // The first connection is made outside the pool (start), which reports a lasting failure at once.
        config.setInitializationFailTimeout(-1);
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
        if (unclaimed != null) {
            unclaimed.discard();
            unclaimed = null;
        }
        credentials = null;
    }

    /** Whether a pool is started (a connection was asked for since the start or the last {@link #release}). */
    public synchronized boolean started() {
        return current != null;
    }

    /** The pool, started on the first call with the credentials resolved then. */
    private synchronized HikariDataSource current() throws SQLException {
        if (current == null) {
            if (credentials == null) {
                credentials = resolve.get();
            }
            current = start(credentials);
        }
        return current;
    }

    /**
     * A pool for {@code c}, after a first connection made outside it: a failure that waiting cannot mend (a refused
     * password or connection, an unknown database, TLS refused) is reported at once, naming the database and the
     * driver's cause, where the pool would wait its whole timeout and then say only that it timed out. The first
     * connection is the pool's first, so starting costs no extra connection.
     */
    private HikariDataSource start(DatabaseCredentials c) throws SQLException {
        FirstConnection driver = new FirstConnection();
        source.configure(driver, c);
        try {
            driver.open();
        } catch (SQLException e) {
            if (lasting(e)) {
                throw failure(where(driver), e);
            }
            LOG.warn("the first connection to {} failed, the pool tries again: {}", where(driver), causes(e));
        }
        HikariDataSource pool = pool(driver, poolSize);
        where = where(driver);
        if (unclaimed != null) {
            unclaimed.discard();
        }
        unclaimed = driver;
        return pool;
    }

    /**
     * After {@code failed} refused the password: re-reads the secret and, when it holds other credentials, builds a
     * new pool. Returns the pool to retry on, or empty when there is nothing new to try. {@code failed} is null when
     * the pool's first connection was refused.
     */
    private synchronized Optional<HikariDataSource> rotate(HikariDataSource failed) throws SQLException {
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
        current = start(fresh);
        if (failed != null) {
            // Connections handed out before stay usable; the old pool closes each as it comes back.
            failed.getHikariPoolMXBean().softEvictConnections();
            retired.add(failed);
        }
        return Optional.of(current);
    }

    /**
     * Whether waiting cannot mend {@code e}: the server refused the login (SQLSTATE class 28) or knows no such
     * database (3D000), the connection was refused (08001) or rejected (08004: e.g. TLS refused), or TLS failed (the
     * handshake, or the driver's check of the certificate's host name).
     */
    static boolean lasting(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28") || List.of("3D000", "08001", "08004").contains(state)) {
            return true;
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
            // The driver's own TLS checks (a host name the certificate does not name) raise a bare 08006 there.
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith("org.postgresql.ssl.")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The database a data source reaches, as {@code host:port/name as user} (never the password). */
    private static String where(PGSimpleDataSource driver) {
        int port = driver.getPortNumbers().length == 0 || driver.getPortNumbers()[0] == 0
                ? 5432
                : driver.getPortNumbers()[0];
        return driver.getServerNames()[0] + ":" + port + "/" + driver.getDatabaseName() + " as " + driver.getUser();
    }

    /** {@code e} with the database named and the driver's cause in the message; its SQLSTATE stays. */
    private static SQLException failure(String where, SQLException e) {
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        return new SQLException(
                "cannot connect to the database " + where + ": " + causes(e) + state, e.getSQLState(), e);
    }

    /** The messages of {@code e} and its causes, each once. */
    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /**
     * The driver's data source, whose first {@link #getConnection} hands out the connection {@link #open} made
     * before the pool started (unless it was closed since), so the pool takes it as its first.
     */
    private static final class FirstConnection extends PGSimpleDataSource {
        private static final long serialVersionUID = 1L;

        private final transient AtomicReference<Connection> first = new AtomicReference<>();

        void open() throws SQLException {
            first.set(super.getConnection());
        }

        /** Closes the first connection if the pool never took it. */
        void discard() {
            Connection made = first.getAndSet(null);
            if (made != null) {
                try {
                    made.close();
                } catch (SQLException e) {
                    LOG.debug("closing an unused first connection failed", e);
                }
            }
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection made = first.getAndSet(null);
            if (made != null && !made.isClosed()) {
                return made;
            }
            return super.getConnection();
        }
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
            HikariDataSource pool = null;
            try {
                pool = current();
                return pool.getConnection();
            } catch (SQLException e) {
                if (!passwordRefused(e)) {
                    throw pool == null ? e : failure(where, e);
                }
                Optional<HikariDataSource> retry = rotate(pool);
                if (retry.isEmpty()) {
                    throw pool == null ? e : failure(where, e);
                }
                try {
                    return retry.get().getConnection();
                } catch (SQLException again) {
                    throw failure(where, again);
                }
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
            throw new SQLFeatureNotSupportedException("the pool logs through SLF4J");
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
