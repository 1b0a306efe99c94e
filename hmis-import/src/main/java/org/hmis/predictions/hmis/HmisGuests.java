package org.hmis.predictions.hmis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code hmis_guests}, made again from the import tables after each import: new PersonalIDs and households get their
 * integer keys, every enrollment's row is written (its predicted_exit_destination kept), and the rows of enrollments
 * no longer in the export are deleted. The mapping is the SQL of {@code hmis-guests.sql}.
 */
final class HmisGuests {
    static final String RESOURCE = "/hmis-guests.sql";

    private HmisGuests() {}

    /** Rebuilds hmis_guests; returns its rows and its current guests. */
    static long[] rebuild(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            // The entry records and households are sorts over every enrollment: in memory, not spilled to disk.
            st.execute("SET LOCAL work_mem = '256MB'");
            // Keys in a stable order, so the same export gives the same keys on an empty database.
            st.executeUpdate("INSERT INTO hmis_person_keys (hmis_personal_id) SELECT DISTINCT personal_id"
                    + " FROM hmis_enrollments ORDER BY personal_id ON CONFLICT DO NOTHING");
            st.executeUpdate("INSERT INTO hmis_household_keys (project_id, household_id)"
                    + " SELECT DISTINCT project_id, household_id FROM hmis_enrollments ORDER BY project_id, household_id"
                    + " ON CONFLICT DO NOTHING");
            st.executeUpdate("DELETE FROM hmis_guests g WHERE NOT EXISTS"
                    + " (SELECT 1 FROM hmis_enrollments e WHERE e.enrollment_id = g.enrollment_id)");
            st.executeUpdate(sql());
        }
        return new long[] {
            HmisImporter.count(c, "SELECT count(*) FROM hmis_guests"),
            HmisImporter.count(c, "SELECT count(*) FROM hmis_guests WHERE exit_date IS NULL")
        };
    }

    private static String sql() {
        try (InputStream in = HmisGuests.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
    }
}
