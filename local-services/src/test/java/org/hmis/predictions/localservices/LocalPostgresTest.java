package org.hmis.predictions.localservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Starts the embedded server directly, whatever TEST_JDBC_URL says: this machine and CI run it as root. */
class LocalPostgresTest {

    @Test
    void startsAnswersQueriesAndLeavesNothingBehind() throws SQLException {
        Path directory;
        int port;
        try (LocalPostgres postgres = LocalPostgres.start()) {
            directory = postgres.directory();
            port = postgres.port();
            assertTrue(Files.isRegularFile(directory.resolve("server.log")));

            try (Connection connection = postgres.connect("postgres");
                    ResultSet row = connection.createStatement().executeQuery("SELECT version(), current_user")) {
                row.next();
                assertTrue(row.getString(1).startsWith("PostgreSQL 14."), row.getString(1));
                assertEquals("postgres", row.getString(2));
            }

            postgres.createDatabase("guests_demo");
            try (Connection connection = DriverManager.getConnection(
                            postgres.jdbcUrl("guests_demo"), postgres.user(), postgres.password());
                    ResultSet row = connection
                            .createStatement()
                            .executeQuery("SELECT current_database(), current_setting('server_encoding')")) {
                row.next();
                assertEquals("guests_demo", row.getString(1));
                assertEquals("UTF8", row.getString(2));
            }
            postgres.dropDatabase("guests_demo");
        }

        assertFalse(Files.exists(directory), directory + " should be deleted");
        assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(
                                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres")
                        .close());
    }
}
