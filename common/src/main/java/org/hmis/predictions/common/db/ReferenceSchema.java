package org.hmis.predictions.common.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.hmis.predictions.common.config.SqlIdentifier;

/**
 * Creates the tables the pipeline works on, from the DDL in {@code schema/*.sql}: the intake app's guests table
 * (for tests, the demo and benchmarks; in production it already exists) and the pipeline's own
 * {@code prediction_runs}. Both statements use IF NOT EXISTS, so applying them again is harmless.
 */
public final class ReferenceSchema {

    /** The guests table's name when none is configured. */
    public static final SqlIdentifier DEFAULT_GUESTS_TABLE = SqlIdentifier.of("guests");

    private static final String KEY_INDEX_SUFFIX = "_person_enrol_uk";
    private static final int MAX_IDENTIFIER_LENGTH = 63;

    private ReferenceSchema() {}

    /**
     * Creates {@code table} as the intake app keeps it (153 columns, without predicted_exit_destination) and its
     * unique index on (personal_id, enroll_date), named {@code <table>_person_enrol_uk}.
     */
    public static void createGuestsTable(Connection conn, SqlIdentifier table) throws SQLException {
        execute(conn, guestsTableDdl(table));
    }

    /** Creates the pipeline's {@code prediction_runs} table, keyed by (run_id, step, part). */
    public static void createPredictionRuns(Connection conn) throws SQLException {
        execute(conn, resource("prediction_runs.sql"));
    }

    /** The DDL {@link #createGuestsTable} runs, with the table's and its key index's quoted names in place. */
    public static String guestsTableDdl(SqlIdentifier table) {
        return resource("guests.sql")
                .replace("${table}", table.quoted())
                .replace("${key_index}", keyIndexName(table).quoted());
    }

    /** The unique index's name: an index lives in its table's schema, so the name is unqualified. */
    static SqlIdentifier keyIndexName(SqlIdentifier table) {
        String base = table.name();
        int room = MAX_IDENTIFIER_LENGTH - KEY_INDEX_SUFFIX.length();
        return SqlIdentifier.of((base.length() > room ? base.substring(0, room) : base) + KEY_INDEX_SUFFIX);
    }

    private static void execute(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    private static String resource(String file) {
        try (InputStream in = ReferenceSchema.class.getResourceAsStream("/schema/" + file)) {
            if (in == null) {
                throw new IllegalStateException("resource schema/" + file + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource schema/" + file, e);
        }
    }
}
