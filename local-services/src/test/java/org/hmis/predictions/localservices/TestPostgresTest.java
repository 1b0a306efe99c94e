package org.hmis.predictions.localservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

class TestPostgresTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @Test
    void givesEachTestClassItsOwnEmptyDatabaseThatTakesRealQueries() throws SQLException {
        try (Connection connection = PG.connect();
                Statement statement = connection.createStatement()) {
            try (ResultSet row = statement.executeQuery(
                    "SELECT current_database(), count(*) FROM pg_tables WHERE schemaname = 'public'")) {
                row.next();
                assertEquals(PG.database(), row.getString(1));
                assertTrue(PG.database().matches("t_[0-9a-f]{16}"), PG.database());
            }
            statement.execute(
                    "CREATE TABLE guests (personal_id text, enroll_date date, PRIMARY KEY (personal_id, enroll_date))");
            statement.execute("INSERT INTO guests VALUES ('a', DATE '2026-01-02'), ('b', DATE '2026-02-03')");
            try (ResultSet row =
                    statement.executeQuery("SELECT string_agg(personal_id, ',' ORDER BY personal_id) FROM guests")) {
                row.next();
                assertEquals("a,b", row.getString(1));
            }
        }
    }

    @Test
    void jdbcUrlUserAndPasswordReachTheSameDatabaseAsConnect() throws SQLException {
        try (Connection connection = DriverManager.getConnection(PG.jdbcUrl(), PG.user(), PG.password());
                ResultSet row = connection.createStatement().executeQuery("SELECT current_database()")) {
            row.next();
            assertEquals(PG.database(), row.getString(1));
        }
    }

    @Test
    void dropsTheDatabaseOfATestClassAfterItEvenWithAConnectionLeftOpen() throws SQLException {
        SampleTestClass.database = null;
        TestExecutionSummary summary = run(SampleTestClass.class);

        assertEquals(
                1, summary.getTestsSucceededCount(), () -> summary.getFailures().toString());
        assertNotEquals(PG.database(), SampleTestClass.database);
        assertFalse(databaseExists(SampleTestClass.database), SampleTestClass.database + " should be dropped");
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheDatabaseOfTheirEnclosingClass() throws SQLException {
            try (Connection connection = PG.connect();
                    ResultSet row = connection.createStatement().executeQuery("SELECT current_database()")) {
                row.next();
                assertEquals(PG.database(), row.getString(1));
            }
        }
    }

    private static boolean databaseExists(String name) throws SQLException {
        try (Connection connection = PG.connect();
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet row = exists.executeQuery()) {
                return row.next();
            }
        }
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(testClass))
                                .build(),
                        listener);
        return listener.getSummary();
    }

    /** Run only through {@link #run}; it leaves a connection open, as a careless test might. */
    static class SampleTestClass {
        @RegisterExtension
        static final TestPostgres SAMPLE_PG = new TestPostgres();

        static volatile String database;
        static Connection leftOpen;

        @Test
        void usesItsDatabase() throws SQLException {
            database = SAMPLE_PG.database();
            leftOpen = SAMPLE_PG.connect();
            leftOpen.createStatement().execute("CREATE TABLE t (x int)");
        }
    }
}
