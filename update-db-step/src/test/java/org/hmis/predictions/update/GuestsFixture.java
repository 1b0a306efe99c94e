package org.hmis.predictions.update;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestsTable;

/** The guests every update test starts from, and the ways the tests look at the database and write parts. */
final class GuestsFixture {
    static final SqlIdentifier TABLE = SqlIdentifier.of("guests");
    static final SqlIdentifier PREDICTIONS = SqlIdentifier.of("guest_predictions");

    private GuestsFixture() {}

    /** The runs the tests apply parts of, started in this order (the database's clock decides freshness). */
    static final List<String> RUNS = List.of("20261122T101500Z-aaaa", "20261123T101500Z-3f9a", "20261124T101500Z-0b0b");

    /**
     * A fresh guests table, no guest predictions, and prediction_runs holding only the start of each of {@link #RUNS},
     * a minute apart, as wrangle records them:
     * <pre>
     * 1 2026-01-05  current, no prediction yet
     * 2 2026-02-01  current, perm
     * 3 2025-03-01  exited and marked
     * 4 2026-03-01  current, temp (re-enrolled: 4 2025-04-01 exited and marked)
     * 6 2026-01-10  current, unknown
     * 7 2026-04-01  exited yesterday, after the wrangle; not yet marked (es)
     * </pre>
     */
    static void reset(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS guests CASCADE");
            st.execute("TRUNCATE prediction_runs, guest_predictions");
            GuestsTable.create(c, TABLE);
            st.execute("ALTER TABLE guests ADD COLUMN IF NOT EXISTS predicted_exit_destination VARCHAR");
            st.execute(
                    "INSERT INTO guests (personal_id, enroll_date, exit_date, exit_destination, predicted_exit_destination) VALUES"
                            + " (1, '2026-01-05', NULL, NULL, NULL),"
                            + " (2, '2026-02-01', NULL, NULL, 'perm'),"
                            + " (3, '2025-03-01', '2025-06-30', 'Client refused', 'exited'),"
                            + " (4, '2025-04-01', '2025-05-02', 'Client refused', 'exited'),"
                            + " (4, '2026-03-01', NULL, NULL, 'temp'),"
                            + " (6, '2026-01-10', NULL, NULL, 'unknown'),"
                            + " (7, '2026-04-01', '2026-11-22', 'Other', 'es')");
        }
        for (int i = 0; i < RUNS.size(); i++) {
            start(c, RUNS.get(i), "2026-11-24T10:0" + i + ":00Z");
        }
    }

    /** Records run {@code runId} as started at {@code startedAt}, as wrangle does when it begins. */
    static void start(Connection c, String runId, String startedAt) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(
                "INSERT INTO prediction_runs"
                        + " (run_id, step, part, started_at, rows, status) VALUES (?, 'wrangle', '', ?::timestamptz, 0, 'started')")) {
            ps.setString(1, runId);
            ps.setString(2, startedAt);
            ps.executeUpdate();
        }
    }

    /** Records that run {@code runId}'s manifest lists {@code parts} parts, as wrangle does after its last part. */
    static void wrangled(Connection c, String runId, int parts) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE prediction_runs SET status = 'wrangled',"
                + " parts = ? WHERE run_id = ? AND step = 'wrangle' AND part = ''")) {
            ps.setInt(1, parts);
            ps.setString(2, runId);
            ps.executeUpdate();
        }
    }

    /**
     * A predictions part; each row is {@code "personalId,enrollDate,class"}, probabilities filled in as a model would
     * write them: the row's class 0.6, every other 0.1.
     */
    static String part(String... rows) {
        StringBuilder csv = new StringBuilder(PredictionsCsv.V1_HEADER_LINE).append('\n');
        for (String row : rows) {
            String label = row.substring(row.lastIndexOf(',') + 1);
            csv.append(row);
            for (String c : PredictionsCsv.CLASSES) {
                csv.append(c.equals(label) ? ",0.6" : ",0.1");
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** Each guest's prediction by "personalId/enrollDate". */
    static Map<String, String> predictions(Connection c) throws SQLException {
        Map<String, String> byKey = new HashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT personal_id, enroll_date, predicted_exit_destination FROM guests")) {
            while (rs.next()) {
                byKey.put(rs.getInt(1) + "/" + rs.getString(2), rs.getString(3));
            }
        }
        return byKey;
    }

    /**
     * Everything the step could touch: every guest row with its xmin (so a row rewritten with the same
     * values still shows), and every prediction_runs row.
     */
    static List<String> snapshot(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            rows.addAll(rows(st, "SELECT xmin::text AS xmin, * FROM guests ORDER BY personal_id, enroll_date"));
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('prediction_runs') IS NOT NULL")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    rows.addAll(
                            rows(st, "SELECT xmin::text AS xmin, * FROM prediction_runs ORDER BY run_id, step, part"));
                    rows.addAll(rows(
                            st,
                            "SELECT xmin::text AS xmin, * FROM guest_predictions ORDER BY personal_id, enroll_date"));
                }
            }
        }
        return rows;
    }

    private static List<String> rows(Statement st, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(meta.getColumnName(i))
                            .append('=')
                            .append(rs.getString(i))
                            .append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    static ObjectStore objectStore(TestS3 s3) {
        return ObjectStore.create(new StorageSettings(
                s3.bucket(),
                s3.bucket(),
                s3.region(),
                Optional.of(s3.endpoint()),
                Optional.of(new StorageSettings.AccessKeys(s3.accessKey(), s3.secretKey(), null))));
    }

    /** Writes a part to S3 as the predict step does, the model named in the metadata. */
    static void put(ObjectStore store, String bucket, String key, String content, String model) {
        Map<String, String> metadata = lineage(key, content);
        if (model != null) {
            metadata.put(ObjectMetadata.MODEL, model);
        }
        putWithMetadata(store, bucket, key, content, metadata);
    }

    /** Writes a part to S3 with exactly this metadata. */
    static void putWithMetadata(
            ObjectStore store, String bucket, String key, String content, Map<String, String> metadata) {
        try (ObjectUpload upload = store.upload(bucket, key)) {
            upload.write(content.getBytes(StandardCharsets.UTF_8));
            upload.commit(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ETag the fixture's predictions parts name for the wrangled part they came from. */
    static final String WRANGLED_ETAG = "wrangled-etag";

    /**
     * The metadata predict gives a part of {@code content}: the wrangled part of the same run and number as its
     * source, with {@link #WRANGLED_ETAG} and as many rows as the content has lines after its header.
     */
    static Map<String, String> lineage(String key, String content) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Optional<RunKeys.Part> parsed = RunKeys.parsePart(key);
        if (parsed.isEmpty()) {
            return metadata; // an object that is no part, which update refuses by its key
        }
        RunKeys.Part part = parsed.get();
        String rows = Long.toString(Math.max(0, content.lines().count() - 1));
        metadata.put(
                ObjectMetadata.SOURCE_PART,
                RunKeys.wrangledPart(part.runId(), part.number()).key());
        metadata.put(ObjectMetadata.SOURCE_ETAG, WRANGLED_ETAG);
        metadata.put(ObjectMetadata.SOURCE_ROWS, rows);
        metadata.put(ObjectMetadata.ROWS, rows);
        return metadata;
    }
}
