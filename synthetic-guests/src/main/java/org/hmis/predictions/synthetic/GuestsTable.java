package org.hmis.predictions.synthetic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.hmis.predictions.common.config.SqlIdentifier;

/**
 * The intake app's guests table, as the HUD HMIS export has it (153 columns, without predicted_exit_destination),
 * for the demo, tests and benchmarks; in production the table already exists and belongs to the intake app. The
 * DDL is {@code guests-table.sql}; it uses IF NOT EXISTS, so creating the table again is harmless.
 */
public final class GuestsTable {

    private static final String KEY_INDEX_SUFFIX = "_person_enrol_uk";
    private static final int MAX_IDENTIFIER_LENGTH = 63;

    private GuestsTable() {}

    /**
     * Creates {@code table} and its unique index on (personal_id, enroll_date), named
     * {@code <table>_person_enrol_uk}.
     */
    public static void create(Connection conn, SqlIdentifier table) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(ddl(table));
        }
    }

    /** The DDL {@link #create} runs, with the table's and its key index's quoted names in place. */
    public static String ddl(SqlIdentifier table) {
        return resource()
                .replace("${table}", table.quoted())
                .replace("${key_index}", keyIndexName(table).quoted());
    }

    /** The unique index's name: an index lives in its table's schema, so the name is unqualified. */
    static SqlIdentifier keyIndexName(SqlIdentifier table) {
        String base = table.name();
        int room = MAX_IDENTIFIER_LENGTH - KEY_INDEX_SUFFIX.length();
        return SqlIdentifier.of((base.length() > room ? base.substring(0, room) : base) + KEY_INDEX_SUFFIX);
    }

    private static String resource() {
        try (InputStream in = GuestsTable.class.getResourceAsStream("/guests-table.sql")) {
            if (in == null) {
                throw new IllegalStateException("resource guests-table.sql is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource guests-table.sql", e);
        }
    }
}
