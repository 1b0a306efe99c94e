package org.hmis.predictions.synthetic;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Collectors;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.PGCopyOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads synthetic guests into a guests table with {@code COPY ... FROM STDIN}: rows go to the server as they are
 * generated, through a fixed-size buffer, so a million guests need no more memory than ten.
 */
public final class GuestLoader {

    private static final Logger LOG = LoggerFactory.getLogger(GuestLoader.class);
    private static final int BUFFER_BYTES = 1 << 16;
    private static final String COLUMN_LIST = GuestGenerator.COLUMNS.stream()
            .map(column -> '"' + column + '"')
            .collect(Collectors.joining(", ", "(", ")"));

    private final GuestGenerator generator;

    public GuestLoader(GuestGenerator generator) {
        this.generator = generator;
    }

    /**
     * Appends {@code count} generated guests to {@code table} (which has the guests columns, e.g. from
     * ReferenceSchema) and returns the row count the server reports. The rows commit with the connection's
     * transaction; a failure cancels the COPY, leaving the table as it was.
     */
    public long load(Connection conn, SqlIdentifier table, long count) throws SQLException, IOException {
        String sql = "COPY " + table.quoted() + ' ' + COLUMN_LIST + " FROM STDIN";
        CopyIn copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        PGCopyOutputStream stream = new PGCopyOutputStream(copy, BUFFER_BYTES);
        try {
            generator.write(stream, count, GuestGenerator.Format.COPY_TEXT);
            long rows = stream.endCopy();
            LOG.info("Loaded {} synthetic guests into {} (seed {})", rows, table, generator.seed());
            return rows;
        } catch (IOException e) {
            // The stream reports the server's refusal (e.g. a duplicate key) as an IOException around it.
            if (e.getCause() instanceof SQLException refused) {
                cancel(stream, refused);
                throw refused;
            }
            cancel(stream, e);
            throw e;
        } catch (SQLException | RuntimeException e) {
            cancel(stream, e);
            throw e;
        }
    }

    private static void cancel(PGCopyOutputStream stream, Exception failure) {
        if (stream.isActive()) {
            try {
                stream.cancelCopy();
            } catch (SQLException cancelFailure) {
                failure.addSuppressed(cancelFailure);
            }
        }
    }
}
