package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each mistake a person makes with the runner, made through {@code Main} as they would make it: one line on stderr
 * naming the cause and what to do, no stack trace unless {@code --verbose}, and the exit code (1 failed, 2 usage).
 */
class CommandErrorsTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    /** What a person sees: the exit code and the two streams. */
    record Outcome(int exit, String out, String err) {
        /** The one line on stderr, checked to be the only one and to carry no stack trace. */
        String line() {
            assertFalse(err.contains("\tat "), "a stack trace: " + err);
            assertEquals(1, err.strip().lines().count(), "one line: " + err);
            return err.strip();
        }
    }

    static Outcome run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Charset charset = Charset.defaultCharset();
        int exit = Main.execute(
                environment, new PrintStream(out, true, charset), new PrintStream(err, true, charset), args);
        return new Outcome(exit, out.toString(charset), err.toString(charset));
    }

    private static Outcome run(String... args) {
        return run(Map.of(), args);
    }

    /** The test database's URL, or another database's on its server, with the credentials. */
    private static String url(String database) {
        String base = PG.jdbcUrl();
        String server = base.substring(0, base.lastIndexOf('/') + 1);
        return server + database + "?user=" + URLEncoder.encode(PG.user(), StandardCharsets.UTF_8)
                + (PG.password().isEmpty()
                        ? ""
                        : "&password=" + URLEncoder.encode(PG.password(), StandardCharsets.UTF_8));
    }

    private static void assertFails(Outcome outcome, int exit, String... parts) {
        String line = outcome.line();
        assertEquals(exit, outcome.exit(), line);
        for (String part : parts) {
            assertTrue(line.contains(part), "'" + part + "' not in: " + line);
        }
    }

    @Test
    void aNumberOutOfRangeIsAUsageError() {
        assertFails(
                run("generate", "--guests", "-5", "--jdbc-url", url(PG.database())), 2, "--guests must be positive");
        assertFails(run("demo", "--guests", "0"), 2, "demo: --guests must be positive");
        assertFails(run("bench", "--guests", "-1"), 2, "--guests must be positive");
        assertFails(run("train", "--generate", "0", "--out", "x"), 2, "--generate must be positive");
        assertFails(
                run("generate", "--guests", "5", "--current-share", "1.5"),
                2,
                "--current-share must be between 0 and 1");
    }

    @Test
    void picocliUsageErrorsAreOneLineToo() {
        assertFails(run("generate"), 2, "generate: Missing required option", "local-runner generate --help");
        assertFails(run("status", "--bogus"), 2, "Unknown option: '--bogus'");
        assertFails(run("stauts"), 2, "local-runner: Unmatched argument", "status");
        assertFails(run("run", "--step", "predict"), 2, "needs either --key");
        assertFails(run("run", "--step", "remove", "--json"), 2, "--json goes with a step that records the run");
        assertFails(run("status", "--run-id", "2026-11-23"), 2, "is not of the form");
    }

    /** One parser for every command that takes --jdbc-url: one message, naming the option and the form. */
    @Test
    void aMalformedJdbcUrlGetsTheSameMessageEverywhere() {
        List<String> messages = new ArrayList<>();
        for (List<String> command : List.of(
                List.of("setup"),
                List.of("status"),
                List.of("run"),
                List.of("generate", "--guests", "1"),
                List.of("train", "--out", "x"),
                List.of("report", "--model", "x", "--out", "x"),
                List.of("demo"),
                List.of("bench", "--guests", "1"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--jdbc-url", "postgres://127.0.0.1/shelter?password=not-shown"));
            Outcome outcome = run(args.toArray(String[]::new));
            assertFails(outcome, 2, "--jdbc-url", "is not a PostgreSQL JDBC URL", JdbcUrl.FORM);
            assertFalse(outcome.err().contains("TEST_JDBC_URL"), outcome.err());
            assertFalse(outcome.err().contains("not-shown"), outcome.err());
            String line = outcome.line();
            messages.add(line.substring(line.indexOf(':'), line.indexOf("; `local-runner")));
        }
        assertEquals(1, messages.stream().distinct().count(), String.join("\n", messages));
        assertFails(
                run("status", "--jdbc-url", "jdbc:postgresql://127.0.0.1/shelter?ssl=true"),
                2,
                "has the parameter 'ssl'");
    }

    @Test
    void aMissingVariableIsNamedWithTheOptionThatReplacesIt() {
        for (String command : List.of("setup", "status")) {
            assertFails(
                    run(Map.of("RDS_USERNAME", "pipeline"), command),
                    1,
                    command + " failed: RDS_HOST is not set",
                    "or give --jdbc-url");
        }
    }

    @Test
    void aSecretNeedsARegion() {
        assertFails(
                run(Map.of("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"), "status"),
                1,
                "DB_SECRET_ARN needs AWS_REGION",
                "AWS_REGION=eu-west-1");
    }

    @Test
    void aDatabaseOrUserThatDoesNotExistIsNamedWithWhatToDo() {
        assertFails(
                run("status", "--jdbc-url", url("no_such_database")),
                1,
                "database \"no_such_database\" does not exist",
                "create that database");
        String noRole = url(PG.database()).replaceFirst("user=[^&]*", "user=no_such_role");
        assertFails(run("setup", "--jdbc-url", noRole), 1, "no_such_role", "check the user");
    }

    @Test
    void verboseAddsTheStackTraceOnTheCommandOrBeforeIt() {
        for (Outcome verbose : List.of(
                run("status", "--verbose", "--jdbc-url", url("no_such_database")),
                run("--verbose", "status", "--jdbc-url", url("no_such_database")))) {
            assertEquals(1, verbose.exit(), verbose.err());
            assertTrue(verbose.err().startsWith("status failed: cannot connect to the database"), verbose.err());
            assertTrue(verbose.err().contains("\tat "), verbose.err());
        }
    }

    /**
     * The database without the pipeline's tables: status says to run setup; generate without a guests table says how
     * to have one; generate --create-table makes the guests table only, as its help says; setup then makes the rest.
     */
    @Test
    void eachCommandSaysWhichCommandMakesTheTablesItNeeds() throws Exception {
        String database = url(PG.database());
        assertFails(
                run("status", "--jdbc-url", database), 1, "has no pipeline tables", "run `local-runner setup` first");
        Map<String, String> s3 = new HashMap<>(Map.of(
                "S3_BUCKET", "guests-bucket",
                "S3_ENDPOINT", "http://127.0.0.1:9",
                "AWS_ACCESS_KEY_ID", "local",
                "AWS_SECRET_ACCESS_KEY", "local-secret"));
        assertFails(
                run(s3, "run", "--jdbc-url", database), 1, "run --step all failed", "run `local-runner setup` first");
        assertFails(
                run("generate", "--guests", "10", "--jdbc-url", database),
                1,
                "has no guests table guests",
                "--create-table");

        Outcome generated = run("generate", "--guests", "10", "--create-table", "--jdbc-url", database);
        assertEquals(0, generated.exit(), generated.err());
        assertTrue(generated.out().contains("Loaded 10 guests"), generated.out());
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT to_regclass('guests') IS NOT NULL, to_regclass('prediction_runs') IS NOT NULL")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "the guests table");
            assertFalse(rs.getBoolean(2), "generate --create-table makes no pipeline table");
        }
        assertFails(run("status", "--jdbc-url", database), 1, "run `local-runner setup` first");

        Outcome setup = run("setup", "--jdbc-url", database);
        assertEquals(0, setup.exit(), setup.err());
        assertTrue(setup.out().startsWith("Applied "), setup.out());
        assertFails(run("status", "--jdbc-url", database), 1, "no run has started yet");
    }
}
