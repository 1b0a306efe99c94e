package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lightgbm.LightGbmLibrary;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.remove.RemoveExitedStep;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.update.UpdateDbStep;
import org.hmis.predictions.wrangle.WrangleStep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The pipeline runs as the role infra/sql/grants.sql makes, on real PostgreSQL, as an operator sets it up: the
 * intake app's guests table (in a schema of its own, without the prediction column), grants.sql as its owner,
 * {@code setup} as the setup role, grants.sql again, then every step, built by its factory, as the functions' role.
 * That role can create nothing anywhere, and the refresh still works, twice: a steady-state run needs no CREATE.
 */
class LeastPrivilegeTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final Path GRANTS = Template.DIRECTORY.resolve("sql/grants.sql");
    private static final Path MIGRATIONS =
            Template.DIRECTORY.resolveSibling("common-db").resolve("src/main/resources/db/pipeline");
    private static final Path BUNDLED_MODEL =
            Template.DIRECTORY.resolveSibling("local-runner").resolve("src/main/resources/demo-model");

    /** Roles belong to the server, not the test's database: a name of this test run's own. */
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);

    private static final String PIPELINE_ROLE = "exit_destination_" + SUFFIX;
    private static final String SETUP_ROLE = "exit_destination_setup_" + SUFFIX;
    private static final String PASSWORD = "pw-" + SUFFIX;
    private static final String GUESTS_SCHEMA = "intake";
    private static final SqlIdentifier GUESTS = SqlIdentifier.of(GUESTS_SCHEMA + ".guests");
    private static final String PIPELINE_SCHEMA = "public";
    private static final String PREDICTION = ExitDestinationClasses.PREDICTION_COLUMN;
    private static final Map<String, String> VARIABLES = Map.of(
            "pipeline_role", PIPELINE_ROLE,
            "setup_role", SETUP_ROLE,
            "guests_schema", GUESTS_SCHEMA,
            "guests_table", "guests",
            "pipeline_schema", PIPELINE_SCHEMA);

    /** What the steps read of the guests table: what wrangle selects, exit_date, and the prediction they compare. */
    private static final Set<String> READ_COLUMNS = readColumns();

    @BeforeAll
    static void setUpAsAnOperatorWould() throws SQLException, IOException {
        try (Connection admin = PG.connect();
                Statement st = admin.createStatement()) {
            st.execute("CREATE SCHEMA " + GUESTS_SCHEMA);
            GuestsTable.create(admin, GUESTS);
            new GuestLoader(GuestGenerator.builder().seed(15L).currentShare(0.4).build()).load(admin, GUESTS, 2_000);
            // PostgreSQL 15's default, whatever the server's version: nobody may create in public unless granted.
            st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
        assertFalse(hasColumn(PREDICTION), "the intake app's table starts without the prediction column");
        runGrants(); // the roles, the column, the guests table; the pipeline's tables do not exist yet
        try (Connection admin = PG.connect();
                Statement st = admin.createStatement()) {
            for (String role : List.of(PIPELINE_ROLE, SETUP_ROLE)) {
                st.execute("ALTER ROLE " + SqlIdentifier.of(role).quoted() + " PASSWORD '" + PASSWORD + "'");
            }
        }
        assertTrue(PipelineSchema.migrate(dataSourceAs(SETUP_ROLE), GUESTS) > 0, "setup created the pipeline's tables");
        runGrants(); // now also the pipeline's tables
        try (ObjectStore store = ObjectStore.create(pipelineConfig().storage())) {
            ModelFiles.upload(ModelFiles.read(BUNDLED_MODEL), store, S3.bucket());
        }
    }

    @AfterAll
    static void dropRoles() throws SQLException {
        try (Connection admin = PG.connect();
                Statement st = admin.createStatement()) {
            for (String role : List.of(PIPELINE_ROLE, SETUP_ROLE)) {
                String quoted = SqlIdentifier.of(role).quoted();
                st.execute("DROP OWNED BY " + quoted);
                st.execute("DROP ROLE " + quoted);
            }
        }
    }

    @Test
    void aRefreshRunsAsTheFunctionsRoleWhichCanCreateNothing() throws Exception {
        assertCanCreateNothing(PIPELINE_ROLE);
        PipelineConfig config = pipelineConfig();
        LightGbmLibrary.ensureLoaded();
        try (Database database = Database.connect(config.database());
                ObjectStore store = ObjectStore.create(config.storage())) {
            RemoveExitedStep remove = RemoveExitedStep.from(config, database);
            // Every night predicts everyone: the database may hold another test's predictions of these guests.
            WrangleStep wrangle = WrangleStep.from(config.with(PipelineConfig.FULL_REFRESH, "true"), database, store);
            PredictStep predict = PredictStep.from(config, store);
            UpdateDbStep update = UpdateDbStep.from(config, database, store);
            // The first night and a steady-state night after it: the same steps, nothing new to create.
            RunId firstNight = RunId.parse("20261123T020000Z-0001");
            for (RunId run : List.of(firstNight, RunId.parse("20261124T020000Z-0002"))) {
                if (!run.equals(firstNight)) {
                    leaveTheShelter(5);
                }
                RemoveExitedStep.Summary removed = remove.run(run);
                assertFalse(removed.columnCreated(), "grants.sql added the column, not the functions' role");
                if (!run.equals(firstNight)) {
                    assertEquals(5, removed.outcomesKept(), "the guests who left kept their predictions' outcomes");
                }
                WrangleStep.Summary wrangled = wrangle.run(run);
                assertTrue(wrangled.rows() > 0, "current guests were wrangled: " + wrangled);
                PredictStep.Summary predicted = predict.run(wrangled.partObjects());
                assertEquals(List.of(), predicted.failed(), run + ": " + predicted);
                UpdateDbStep.Result updated = update.run(predicted.parts().stream()
                        .map(PredictStep.PartResult::predictions)
                        .toList());
                assertEquals(List.of(), updated.failed(), run + ": " + updated);
                assertTrue(
                        updated.parts().stream().allMatch(p -> p.status().equals(UpdateDbStep.APPLIED)),
                        run + ": every part applied, " + updated);
            }
        }
        try (Connection admin = PG.connect();
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT exit_date IS NULL, " + PREDICTION + ", count(*) FROM "
                        + GUESTS.quoted() + " GROUP BY 1, 2")) {
            long current = 0;
            while (rs.next()) {
                String prediction = rs.getString(2);
                if (rs.getBoolean(1)) {
                    assertTrue(
                            ExitDestinationClasses.LABELS.contains(prediction),
                            rs.getLong(3) + " current guests carry '" + prediction + "'");
                    current += rs.getLong(3);
                } else {
                    assertEquals(ExitDestinationClasses.EXITED, prediction, "a guest who left");
                }
            }
            assertTrue(current > 0, "the table has current guests");
            // The view over the guests table reads it with its owner's (the setup role's) rights.
            try (Connection setup = dataSourceAs(SETUP_ROLE).getConnection();
                    Statement view = setup.createStatement();
                    ResultSet ranked = view.executeQuery("SELECT count(*), count(risk_percentile), max(risk_percentile)"
                            + " FROM " + PIPELINE_SCHEMA + ".current_guest_risk")) {
                ranked.next();
                assertEquals(current, ranked.getLong(1), "every current guest is in the view");
                assertEquals(current, ranked.getLong(2), "and ranked");
                assertEquals(100, ranked.getDouble(3));
            }
            try (Connection setup = dataSourceAs(SETUP_ROLE).getConnection();
                    Statement view = setup.createStatement();
                    ResultSet households = view.executeQuery("SELECT sum(members), count(*) - count(risk_percentile)"
                            + " FROM " + PIPELINE_SCHEMA + ".current_household_risk")) {
                households.next();
                assertEquals(current, households.getLong(1), "every current guest is a member of one household");
                assertEquals(0, households.getLong(2), "every household ranked");
            }
        }
        try (Connection admin = PG.connect();
                Statement st = admin.createStatement();
                // Only this test's runs: the local runner's test records one of its own.
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT run_id), count(*) FILTER (WHERE step = '"
                        + RemoveExitedStep.STEP + "') FROM " + RunLedger.TABLE
                        + " WHERE run_id IN ('20261123T020000Z-0001', '20261124T020000Z-0002')")) {
            rs.next();
            assertEquals(2, rs.getLong(1), "both runs are recorded");
            assertEquals(2, rs.getLong(2), "both removes are recorded");
        }
    }

    /** Some current guests, predicted the night before, leave: the intake app records where they went. */
    private static void leaveTheShelter(int guests) throws SQLException {
        try (Connection admin = PG.connect();
                Statement st = admin.createStatement()) {
            st.execute("UPDATE " + GUESTS.quoted() + " SET exit_date = DATE '2026-11-23', exit_destination = 'Client"
                    + " refused' WHERE (personal_id, enroll_date) IN (SELECT personal_id, enroll_date FROM "
                    + GUESTS.quoted() + " WHERE exit_date IS NULL ORDER BY personal_id, enroll_date LIMIT " + guests
                    + ")");
        }
    }

    /**
     * What an operator runs with the functions' variables, as its own process: {@code run --step all} (every step, then
     * the households most at risk, read from the view) and {@code status}, each exiting 0.
     */
    @Test
    void theLocalRunnersRunAndStatusWorkAsTheFunctionsRole() throws IOException, InterruptedException {
        Runner all = runner("run", "--step", "all");
        assertEquals(0, all.exit(), all.output());
        assertTrue(all.output().contains("households most at risk"), all.output());
        Runner status = runner("status");
        assertEquals(0, status.exit(), status.output());
        assertTrue(status.output().contains("\"status\""), status.output());
    }

    private record Runner(int exit, String output) {}

    /** {@code local-runner <args>} in a JVM of its own, with exactly the functions' variables in its environment. */
    private static Runner runner(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.hmis.predictions.runner.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(pipelineEnvironment());
        Path output = Files.createTempFile("local-runner-", ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("local-runner " + String.join(" ", args) + " ran for 3 minutes: "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Runner(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Test
    void theFunctionsRoleReadsNoPersonalDataAndWritesOnlyThePrediction() throws SQLException {
        String guests = GUESTS.quoted();
        String runs = PIPELINE_SCHEMA + "." + RunLedger.TABLE;
        String history = PIPELINE_SCHEMA + "." + PipelineSchema.HISTORY_TABLE;
        List<String> refused = List.of(
                "SELECT first_name, last_name FROM " + guests,
                "SELECT ssn, dob FROM " + guests,
                "SELECT * FROM " + guests,
                "UPDATE " + guests + " SET exit_date = NULL",
                "INSERT INTO " + guests + " (personal_id) VALUES (1)",
                "DELETE FROM " + guests,
                "ALTER TABLE " + guests + " ADD COLUMN another_prediction VARCHAR",
                "TRUNCATE " + runs,
                "DELETE FROM " + PIPELINE_SCHEMA + ".guest_predictions",
                "SELECT * FROM " + history,
                "CREATE TABLE public.scratch (i integer)",
                "CREATE TABLE " + GUESTS_SCHEMA + ".scratch (i integer)",
                "CREATE SCHEMA scratch");
        try (Connection c = dataSourceAs(PIPELINE_ROLE).getConnection()) {
            for (String sql : refused) {
                SQLException e = assertThrows(
                        SQLException.class,
                        () -> {
                            try (Statement st = c.createStatement()) {
                                st.execute(sql);
                            }
                        },
                        PIPELINE_ROLE + " may run: " + sql);
                assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
            }
            // What it may do: read the columns it needs, and make the temporary table update-db-step copies into.
            try (Statement st = c.createStatement()) {
                st.execute(
                        "SELECT personal_id, enroll_date, exit_date, " + PREDICTION + " FROM " + guests + " LIMIT 1");
                st.execute("CREATE TEMPORARY TABLE part_check (i integer)");
                st.execute("DROP TABLE part_check");
            }
        }
    }

    @Test
    void grantsSqlRunAgainTakesBackWhatTheRolesShouldNotHave() throws SQLException, IOException {
        try (Connection admin = PG.connect();
                Statement st = admin.createStatement()) {
            String pipeline = SqlIdentifier.of(PIPELINE_ROLE).quoted();
            st.execute("GRANT ALL ON " + GUESTS.quoted() + " TO " + pipeline);
            st.execute("GRANT CREATE ON SCHEMA " + GUESTS_SCHEMA + " TO " + pipeline);
            st.execute("GRANT CREATE ON SCHEMA public TO " + pipeline);
            // Before the migrations the functions created prediction_runs themselves, so their role owned it.
            st.execute("ALTER TABLE " + RunLedger.TABLE + " OWNER TO " + pipeline);
        }
        runGrants();
        assertExactlyWhatGrantsSqlSays();
    }

    @Test
    void theRolesHoldExactlyWhatTheStepsNeed() throws SQLException {
        assertExactlyWhatGrantsSqlSays();
        assertCanCreateNothing(PIPELINE_ROLE);
    }

    /** grants.sql names what the code reads, and every table the migrations make: adding one is one line there. */
    @Test
    void grantsSqlListsTheColumnsTheStepsReadAndEveryTableTheMigrationsMake() throws IOException {
        String script = Files.readString(GRANTS, StandardCharsets.UTF_8);
        assertEquals(READ_COLUMNS, new TreeSet<>(quotedIn(section(script, "read_columns"))), "read_columns");
        assertEquals(
                pipelineTablesOfTheMigrations(),
                new TreeSet<>(firstOfEachPair(section(script, "pipeline_tables"))),
                "pipeline_tables: every table and view the migrations in " + MIGRATIONS + " make");
    }

    private static void assertExactlyWhatGrantsSqlSays() throws SQLException {
        assertEquals(READ_COLUMNS, columnPrivileges("SELECT"), "columns the functions' role reads");
        assertEquals(Set.of(PREDICTION), columnPrivileges("UPDATE"), "columns the functions' role writes");
        assertEquals(
                Set.of(),
                tablePrivileges(GUESTS_SCHEMA, "guests"),
                "no privilege on the whole guests table, so no column it does not need");
        assertEquals(
                Set.of("SELECT", "INSERT", "UPDATE", "DELETE"),
                tablePrivileges(PIPELINE_SCHEMA, RunLedger.TABLE),
                "prediction_runs: record and read runs, and remove a failed attempt's update records");
        assertEquals(
                Set.of("SELECT", "INSERT", "UPDATE"),
                tablePrivileges(PIPELINE_SCHEMA, "guest_predictions"),
                "guest_predictions: write and read each guest's prediction, never delete one");
        assertEquals(
                Set.of("SELECT", "INSERT", "UPDATE", "DELETE"),
                tablePrivileges(PIPELINE_SCHEMA, "prediction_outcomes"),
                "prediction_outcomes: keep a leaving guest's last prediction, withdraw it when the exit is cleared");
        assertEquals(
                Set.of("SELECT", "INSERT", "UPDATE"),
                tablePrivileges(PIPELINE_SCHEMA, "run_heartbeats"),
                "run_heartbeats: record and read when each step of a run was last seen");
        assertEquals(Set.of(), tablePrivileges(PIPELINE_SCHEMA, PipelineSchema.HISTORY_TABLE), "Flyway's history");
        for (String table : List.of(RunLedger.TABLE, PipelineSchema.HISTORY_TABLE)) {
            assertEquals(SETUP_ROLE, owner(PIPELINE_SCHEMA + "." + table), table + " belongs to the setup role");
        }
    }

    private static void assertCanCreateNothing(String role) throws SQLException {
        try (Connection admin = PG.connect();
                PreparedStatement ps = admin.prepareStatement("SELECT has_database_privilege(?, current_database(),"
                        + " 'CREATE'), r.rolsuper OR r.rolcreatedb OR r.rolcreaterole OR r.rolbypassrls,"
                        + " ARRAY(SELECT nspname FROM pg_namespace WHERE has_schema_privilege(?, oid, 'CREATE')"
                        + " AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%')"
                        + " FROM pg_roles r WHERE r.rolname = ?")) {
            ps.setString(1, role);
            ps.setString(2, role);
            ps.setString(3, role);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), role + " exists");
                assertFalse(rs.getBoolean(1), role + " may create schemas in the database");
                assertFalse(rs.getBoolean(2), role + " has a role attribute beyond LOGIN");
                assertEquals(
                        List.of(),
                        List.of((Object[]) rs.getArray(3).getArray()),
                        role + " may create objects in these schemas");
            }
        }
    }

    private static Set<String> columnPrivileges(String privilege) throws SQLException {
        Set<String> columns = new TreeSet<>();
        try (Connection admin = PG.connect();
                PreparedStatement ps = admin.prepareStatement("SELECT column_name FROM information_schema"
                        + ".column_privileges WHERE grantee = ? AND table_schema = ? AND table_name = 'guests'"
                        + " AND privilege_type = ?")) {
            ps.setString(1, PIPELINE_ROLE);
            ps.setString(2, GUESTS_SCHEMA);
            ps.setString(3, privilege);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private static Set<String> tablePrivileges(String schema, String table) throws SQLException {
        Set<String> privileges = new TreeSet<>();
        try (Connection admin = PG.connect();
                PreparedStatement ps = admin.prepareStatement("SELECT privilege_type FROM information_schema"
                        + ".table_privileges WHERE grantee = ? AND table_schema = ? AND table_name = ?")) {
            ps.setString(1, PIPELINE_ROLE);
            ps.setString(2, schema);
            ps.setString(3, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    privileges.add(rs.getString(1));
                }
            }
        }
        return privileges;
    }

    private static String owner(String table) throws SQLException {
        try (Connection admin = PG.connect();
                PreparedStatement ps = admin.prepareStatement(
                        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), table + " exists");
                return rs.getString(1);
            }
        }
    }

    private static boolean hasColumn(String column) throws SQLException {
        try (Connection admin = PG.connect();
                PreparedStatement ps = admin.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_attribute"
                        + " WHERE attrelid = to_regclass(?) AND attname = ? AND NOT attisdropped)")) {
            ps.setString(1, GUESTS.quoted());
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** grants.sql as the guests table's owner runs it (the test server's admin). */
    private static void runGrants() throws SQLException, IOException {
        try (Connection admin = PG.connect()) {
            PsqlScript.read(GRANTS).run(admin, VARIABLES);
        }
    }

    private static DataSource dataSourceAs(String role) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(PG.jdbcUrl());
        source.setUser(role);
        source.setPassword(PASSWORD);
        return source;
    }

    /** The functions' configuration, as the template gives it, logging in as the functions' role. */
    private static PipelineConfig pipelineConfig() {
        return PipelineConfig.from(pipelineEnvironment());
    }

    /** The functions' variables, as the template gives them, logging in as the functions' role. */
    private static Map<String, String> pipelineEnvironment() {
        URI db = URI.create(PG.jdbcUrl().substring("jdbc:".length()));
        Map<String, String> env = new HashMap<>();
        env.put(PipelineConfig.RDS_HOST, db.getHost());
        env.put(PipelineConfig.RDS_PORT, String.valueOf(db.getPort()));
        env.put(PipelineConfig.RDS_DB_NAME, db.getPath().substring(1));
        env.put(PipelineConfig.RDS_USERNAME, PIPELINE_ROLE);
        env.put(PipelineConfig.RDS_USER_PWD, PASSWORD);
        env.put(PipelineConfig.DB_SSL_MODE, "disable");
        env.put(PipelineConfig.GUESTS_TABLE, GUESTS.toString());
        env.put(PipelineConfig.PART_ROWS, "1000");
        env.put(PipelineConfig.S3_BUCKET, S3.bucket());
        env.put(PipelineConfig.S3_ENDPOINT, S3.endpoint().toString());
        env.put(PipelineConfig.AWS_REGION, S3.region());
        env.put(PipelineConfig.AWS_ACCESS_KEY_ID, S3.accessKey());
        env.put(PipelineConfig.AWS_SECRET_ACCESS_KEY, S3.secretKey());
        return env;
    }

    private static Set<String> readColumns() {
        Set<String> columns = new TreeSet<>(new GuestFeatures(FeatureSpec.V1).inputColumns());
        // v3's features are the server's aggregates of these, over the members of a case_id, by age and relationship.
        FeatureSpec.V3.features().stream()
                .filter(feature -> feature.household() != null)
                .forEach(feature -> columns.addAll(feature.household().columns()));
        columns.addAll(List.of("case_id", "age_at_enrollment", "relationship_to_hoh"));
        columns.add("exit_date");
        columns.add(PREDICTION);
        // remove keeps it with a leaving guest's outcome.
        columns.add("exit_destination");
        // update ranks households; wrangle's drift counts them.
        columns.add("case_id");
        return columns;
    }

    /** The tables and views the migrations create (and do not drop again), by name. */
    private static Set<String> pipelineTablesOfTheMigrations() throws IOException {
        Pattern created = Pattern.compile("(?i)\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:UNLOGGED\\s+)?"
                + "(?:TABLE|VIEW|MATERIALIZED\\s+VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?([a-z_][a-z0-9_]*)\"?");
        Pattern dropped = Pattern.compile(
                "(?i)\\bDROP\\s+(?:TABLE|VIEW|MATERIALIZED\\s+VIEW)\\s+(?:IF\\s+EXISTS\\s+)?\"?([a-z_][a-z0-9_]*)\"?");
        Set<String> tables = new TreeSet<>();
        List<Path> migrations;
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b)))
                    .toList();
        }
        assertFalse(migrations.isEmpty(), "no migrations in " + MIGRATIONS);
        for (Path migration : migrations) {
            // A table whose name is configurable is made under its placeholder; grants.sql lists its default name.
            String sql = withoutComments(Files.readString(migration, StandardCharsets.UTF_8))
                    .replace("${guest_predictions_table}", "guest_predictions");
            Matcher c = created.matcher(sql);
            while (c.find()) {
                tables.add(c.group(1).toLowerCase(Locale.ROOT));
            }
            Matcher d = dropped.matcher(sql);
            while (d.find()) {
                tables.remove(d.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("--[^\n]*", "");
    }

    /** The text of the declaration {@code name ... := ARRAY[ ... ];} in grants.sql, comments removed. */
    private static String section(String script, String name) {
        Matcher m = Pattern.compile("(?s)\\n\\s*" + name + "\\s[^\\n]*:=\\s*ARRAY\\[(.*?)\\];")
                .matcher(withoutComments(script));
        assertTrue(m.find(), "grants.sql declares no " + name);
        return m.group(1);
    }

    private static List<String> quotedIn(String text) {
        List<String> values = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'").matcher(text);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static List<String> firstOfEachPair(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\[\\s*'([^']*)'\\s*,\\s*'([^']*)'\\s*]").matcher(text);
        while (m.find()) {
            pairs.put(m.group(1), m.group(2));
        }
        return List.copyOf(pairs.keySet());
    }
}
