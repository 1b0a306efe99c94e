package org.hmis.predictions.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.DatabaseSettings;

/**
 * The connection pool, built once per container and reused by every invocation. It is small on purpose:
 * a function handles one invocation at a time, and many warm containers must not exhaust the server's
 * connection slots.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static Database connect(DatabaseSettings settings) {
        DatabaseCredentials credentials = DatabaseSecret.resolve(settings);
        String url =
                "jdbc:postgresql://" + credentials.host() + ":" + credentials.port() + "/" + credentials.databaseName();
        return connect(url, credentials.username(), credentials.password(), settings.sslMode(), settings.poolSize());
    }

    /** A pool on an explicit JDBC URL (tests and the local runner); {@code sslMode} null keeps the URL's own. */
    public static Database connect(String jdbcUrl, String user, String password, String sslMode, int poolSize) {
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
        return new Database(new HikariDataSource(config));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
