package org.hmis.predictions.wrangle;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PredictionRuns;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.GuestKey;
import org.hmis.predictions.common.features.RejectedRowException;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.storage.ObjectMetadata;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.storage.RunKeys;
import org.hmis.predictions.common.trigger.ObjectRef;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the current guests' feature columns and writes them, encoded by feature specification v1, as
 * {@code wrangled/<runId>/part-NNNNN.csv} parts of {@code partRows} rows.
 *
 * <p>Only the key and the specification's source columns are selected, so personal data never leaves the
 * database. Rows stream from {@code COPY (SELECT ...) TO STDOUT (FORMAT csv)} through a byte-level parser into
 * the encoder and on into the part being written: memory holds one row and at most two parts' upload buffers
 * (one uploading while the next is written), whatever the population. Rows come in key order, so the same
 * guests give the same objects byte for byte, and running a run id again rewrites its objects identically.
 *
 * <p>Tablesaw is not used: a table holds every row of the population (or of a part) before anything is written,
 * and the encoding is one fixed row-by-row transform ({@link GuestFeatures}) that needs no dataframe; README's
 * benchmark section has the measurements behind this choice.
 *
 * <p>Rows whose key is missing or malformed go to {@code wrangled/<runId>/rejected.csv} (see {@link RejectedRows})
 * and are counted. The run is recorded in {@code prediction_runs} as step {@value #STEP}.
 */
public final class WrangleStep {
    public static final String STEP = "wrangle";
    private static final Logger LOG = LoggerFactory.getLogger(WrangleStep.class);

    private final DataSource dataSource;
    private final SqlIdentifier guestsTable;
    private final ObjectStore store;
    private final String bucket;
    private final int partRows;
    private final FeatureSpec spec = FeatureSpec.V1;

    /**
     * @param bucket   where the parts go (the configuration's input bucket: the one predict reads)
     * @param partRows guests per part
     */
    public WrangleStep(
            DataSource dataSource, SqlIdentifier guestsTable, ObjectStore store, String bucket, int partRows) {
        if (partRows < 1) {
            throw new IllegalArgumentException("partRows must be at least 1, was " + partRows);
        }
        this.dataSource = dataSource;
        this.guestsTable = guestsTable;
        this.store = store;
        this.bucket = bucket;
        this.partRows = partRows;
    }

    /** The step as the function, the local runner and the benchmarks build it: parts go to the input bucket. */
    public static WrangleStep from(PipelineConfig config, Database database, ObjectStore store) {
        return new WrangleStep(
                database.dataSource(),
                config.guestsTable(),
                store,
                config.storage().inputBucket(),
                config.partRows());
    }

    /**
     * What a run did.
     *
     * @param parts         the keys of the parts written, in order; empty when there are no current guests
     * @param rejectedKey   the key of rejected.csv, or null when no row was rejected
     * @param unknownValues per source column, how many values the specification does not know (new categories)
     * @param message       one line for a person: how many guests went into how many parts, or that there were none
     */
    public record Summary(
            String step,
            String runId,
            String bucket,
            long rows,
            List<String> parts,
            long rejected,
            String rejectedKey,
            Map<String, Long> unknownValues,
            String featureSpecVersion,
            long durationMs,
            String message) {

        /** The parts written, as the objects predict is handed. */
        public List<ObjectRef> partObjects() {
            return parts.stream().map(key -> new ObjectRef(bucket, key)).toList();
        }
    }

    /** The bucket the parts are written to. */
    public String bucket() {
        return bucket;
    }

    /**
     * The query the step streams: the key (enroll_date as a date, whatever its column type) and the source columns,
     * in {@link GuestFeatures#inputColumns()} order, of the guests still in the shelter, in key order. The key is
     * unique (the intake app's key; the reference schema's unique index), so this is one order, and with that index the server
     * reads the rows in it without sorting.
     */
    public static String currentGuestsQuery(SqlIdentifier guestsTable, List<String> inputColumns) {
        StringJoiner select = new StringJoiner(", ");
        for (String column : inputColumns) {
            // Feature spec column names are checked to be [a-z][a-z0-9_-]*: quoting makes the hyphenated ones valid.
            String quoted = '"' + column + '"';
            select.add(column.equals(GuestFeatures.ENROLL_DATE) ? quoted + "::date AS " + quoted : quoted);
        }
        return "SELECT " + select + " FROM " + guestsTable.quoted() + " WHERE \"exit_date\" IS NULL" + " ORDER BY \""
                + GuestFeatures.PERSONAL_ID + "\", \"" + GuestFeatures.ENROLL_DATE + "\"";
    }

    /** The COPY statement that streams {@link #currentGuestsQuery} as CSV. */
    public static String copyCurrentGuests(SqlIdentifier guestsTable, List<String> inputColumns) {
        return "COPY (" + currentGuestsQuery(guestsTable, inputColumns) + ") TO STDOUT (FORMAT csv)";
    }

    /** Wrangles the current guests under {@code runId}; a failed run is recorded as such and rethrown. */
    public Summary run(RunId runId) throws SQLException, IOException {
        Instant started = Instant.now();
        try {
            return wrangle(runId, started);
        } catch (SQLException | IOException | RuntimeException e) {
            recordFailure(runId, started, e);
            throw e;
        }
    }

    private Summary wrangle(RunId runId, Instant started) throws SQLException, IOException {
        GuestFeatures features = new GuestFeatures(spec);
        Map<String, String> metadata =
                Map.of(ObjectMetadata.FEATURE_SPEC_VERSION, spec.version(), ObjectMetadata.RUN_ID, runId.value());
        double[] values = new double[spec.size()];
        List<String> partKeys;
        String rejectedKey;
        long rows;
        long rejectedCount;
        try (Connection connection = dataSource.getConnection();
                WrangledParts parts = new WrangledParts(store, bucket, runId, partRows, spec.featureNames(), metadata);
                RejectedRows rejected = new RejectedRows(store, bucket, RunKeys.rejectedKey(runId), metadata)) {
            CopyCsvParser parser = new CopyCsvParser(features.inputColumns().size(), (row, number) -> {
                GuestKey key;
                try {
                    key = features.encode(row, values);
                } catch (RejectedRowException e) {
                    rejected.add(number, row[0], row[1], e.reason());
                    return;
                }
                parts.write(key, values);
            });
            copyOut(connection, copyCurrentGuests(guestsTable, features.inputColumns()), parser);
            parser.finish();
            partKeys = parts.finish();
            rejectedKey = rejected.finish();
            rows = parts.rows();
            rejectedCount = rejected.count();
            Instant finished = Instant.now();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("bucket", bucket);
            details.put("parts", partKeys.size());
            details.put("rejected", rejectedCount);
            details.put("unknownValues", features.unknownValueCounts());
            details.put("featureSpecVersion", spec.version());
            PredictionRuns.record(
                    connection,
                    new PredictionRuns.Entry(runId.value(), STEP, "", started, finished, rows, null, "done", details));
            String message = message(rows, partKeys.size(), rejectedCount);
            Summary summary = new Summary(
                    STEP,
                    runId.value(),
                    bucket,
                    rows,
                    partKeys,
                    rejectedCount,
                    rejectedKey,
                    features.unknownValueCounts(),
                    spec.version(),
                    Duration.between(started, finished).toMillis(),
                    message);
            LOG.info(
                    "run {}: {} from {} in {} ms; unknown values per column: {}",
                    runId,
                    message,
                    guestsTable,
                    summary.durationMs(),
                    summary.unknownValues());
            return summary;
        }
    }

    /**
     * Streams the COPY's output into the parser, a server message (a row) at a time. When the parser or an upload
     * fails, the rest of the COPY is read off unparsed before the failure is passed on: the pooled connection is
     * then ready for its next query. (Cancelling the COPY instead would leave the server's remaining messages
     * unread, or, sent just as the COPY ends, cancel the connection's next query.)
     */
    private static void copyOut(Connection connection, String copy, CopyCsvParser parser)
            throws SQLException, IOException {
        CopyOut stream;
        try {
            stream = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy);
        } catch (SQLException e) {
            throw new SQLException("reading the current guests failed: " + e.getMessage(), e.getSQLState(), e);
        }
        byte[] message;
        try {
            while ((message = stream.readFromCopy()) != null) {
                parser.feed(message, 0, message.length);
            }
        } catch (SQLException e) {
            throw new SQLException("reading the current guests failed: " + e.getMessage(), e.getSQLState(), e);
        } catch (IOException | RuntimeException e) {
            try {
                while (stream.readFromCopy() != null) {
                    // Discarded: the run has failed.
                }
            } catch (SQLException drainFailure) {
                e.addSuppressed(drainFailure);
            }
            throw e;
        }
    }

    private static String message(long rows, int parts, long rejected) {
        String rejectedNote =
                rejected == 0 ? "" : "; " + rejected + " rejected for a missing or malformed key (see rejected.csv)";
        if (rows == 0) {
            return (rejected == 0
                            ? "no current guests: no parts written"
                            : "no current guest could be wrangled: no parts written")
                    + rejectedNote;
        }
        return "wrangled " + rows + " current guests into " + parts + (parts == 1 ? " part" : " parts") + rejectedNote;
    }

    private void recordFailure(RunId runId, Instant started, Exception failure) {
        try (Connection connection = dataSource.getConnection()) {
            PredictionRuns.record(
                    connection,
                    new PredictionRuns.Entry(
                            runId.value(),
                            STEP,
                            "",
                            started,
                            Instant.now(),
                            0,
                            null,
                            "failed",
                            Map.of("error", String.valueOf(failure.getMessage()))));
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
