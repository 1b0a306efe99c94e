package org.hmis.predictions.localservices;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A running PostgreSQL server the tests or the local runner may create databases on. */
public interface PostgresServer {

    /** JDBC URL of {@code database} on this server, without credentials. */
    String jdbcUrl(String database);

    String user();

    String password();

    /** A database that always exists, used to create and drop the others. */
    String maintenanceDatabase();

    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    default void createDatabase(String name) throws SQLException {
        String quoted = DatabaseName.quoted(name);
        try (Connection connection = connect(maintenanceDatabase());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + quoted);
        }
    }

    /**
     * Drops {@code name} if it exists, first closing it to new connections and ending the open ones
     * (a pool left open by a test must not keep the database alive).
     */
    default void dropDatabase(String name) throws SQLException {
        String quoted = DatabaseName.quoted(name);
        try (Connection connection = connect(maintenanceDatabase())) {
            try (PreparedStatement exists =
                    connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet row = exists.executeQuery()) {
                    if (!row.next()) {
                        return;
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER DATABASE " + quoted + " WITH ALLOW_CONNECTIONS false");
            }
            try (PreparedStatement terminate = connection.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                terminate.setString(1, name);
                terminate.executeQuery().close();
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + quoted);
            }
        }
    }
}
