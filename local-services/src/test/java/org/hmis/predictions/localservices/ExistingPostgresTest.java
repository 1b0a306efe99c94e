package org.hmis.predictions.localservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExistingPostgresTest {

    @Test
    void takesUserAndPasswordOutOfTheUrlAndKeepsOtherParameters() {
        ExistingPostgres server = ExistingPostgres.parse(
                "jdbc:postgresql://db.example:6543/admin?user=alice&sslmode=require&password=p%26w",
                Optional.empty(), Optional.empty());

        assertEquals("jdbc:postgresql://db.example:6543/t_1?sslmode=require", server.jdbcUrl("t_1"));
        assertEquals("alice", server.user());
        assertEquals("p&w", server.password());
        assertEquals("admin", server.maintenanceDatabase());
    }

    @Test
    void separateSettingsWinOverTheUrlAndDefaultsFillTheRest() {
        ExistingPostgres named = ExistingPostgres.parse(
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres",
                Optional.of("tester"),
                Optional.of("secret"));
        assertEquals("tester", named.user());
        assertEquals("secret", named.password());

        ExistingPostgres bare =
                ExistingPostgres.parse("jdbc:postgresql://127.0.0.1", Optional.empty(), Optional.empty());
        assertEquals("postgres", bare.user());
        assertEquals("", bare.password());
        assertEquals("postgres", bare.maintenanceDatabase());
        assertEquals("jdbc:postgresql://127.0.0.1/t_2", bare.jdbcUrl("t_2"));
    }

    @Test
    void aUrlOfAnotherKindIsRefusedWithoutShowingItsPassword() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> ExistingPostgres.parse(
                        "postgresql://host/db?password=hunter2", Optional.empty(), Optional.empty()));

        assertTrue(refused.getMessage().contains("TEST_JDBC_URL"), refused.getMessage());
        assertFalse(refused.getMessage().contains("hunter2"), refused.getMessage());
    }

    @Test
    void refusesADatabaseNameThatIsNotAPlainIdentifierBeforeConnecting() {
        ExistingPostgres unreachable =
                ExistingPostgres.parse("jdbc:postgresql://127.0.0.1:1/postgres", Optional.empty(), Optional.empty());

        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> unreachable.createDatabase("x\"; DROP DATABASE postgres; --"));
        assertTrue(refused.getMessage().contains("lower-case letters"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> unreachable.dropDatabase("Guests"));
    }

    @Test
    void createsQueriesAndDropsADatabaseOnTheServerTestJdbcUrlNames() throws SQLException {
        Optional<ExistingPostgres> configured = ExistingPostgres.fromSettings();
        assumeTrue(configured.isPresent(), "TEST_JDBC_URL is not set");
        ExistingPostgres server = configured.get();
        String database = "t_existing_" + ProcessHandle.current().pid();

        server.createDatabase(database);
        try (Connection connection = server.connect(database);
                ResultSet row = connection.createStatement().executeQuery("SELECT current_database(), version()")) {
            row.next();
            assertEquals(database, row.getString(1));
            assertTrue(row.getString(2).startsWith("PostgreSQL"), row.getString(2));
        } finally {
            server.dropDatabase(database);
        }
        try (Connection connection = server.connect(server.maintenanceDatabase());
                ResultSet row = connection
                        .createStatement()
                        .executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")) {
            row.next();
            assertEquals(0, row.getInt(1));
        }
    }
}
