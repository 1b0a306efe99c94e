package org.hmis.predictions.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.db.FeatureRowHash;
import org.hmis.predictions.common.features.FeatureSpec;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * What a predictions part was predicted from: the wrangled part its lineage names, read back as predict read it. Its
 * rows' hashes ({@link FeatureRowHash}) go, with their keys, into a table through {@code COPY}, so that the write can
 * record with each prediction the feature row that made it and the next wrangle can tell whether it changed.
 *
 * @param featureSpecVersion the specification the wrangled part was written in (its metadata)
 * @param wrangledPart       the wrangled part's content, whose ETag is the one the predictions part names
 * @param source             names the wrangled part in messages
 */
record PartInputs(String featureSpecVersion, InputStream wrangledPart, String source) {
    private static final int CHUNK_BYTES = 64 * 1024;

    /** Copies every row's key and hash into {@code table (personal_id, enroll_date, feature_hash)}; answers the rows. */
    long copy(CopyManager copyManager, String table) throws SQLException {
        FeatureSpec spec = FeatureSpec.forVersion(featureSpecVersion);
        FeatureRowHash hash = new FeatureRowHash();
        CopyIn copy = copyManager.copyIn(
                "COPY " + table + " (personal_id, enroll_date, feature_hash) FROM STDIN (FORMAT text)");
        try (WrangledCsv.RowReader rows = WrangledCsv.reader(wrangledPart, source, spec.featureNames())) {
            StringBuilder chunk = new StringBuilder(CHUNK_BYTES + 64);
            while (rows.next()) {
                chunk.append(rows.key().personalId())
                        .append('\t')
                        .append(rows.key().enrollDate())
                        .append('\t')
                        .append(hash.of(rows.features()))
                        .append('\n');
                if (chunk.length() >= CHUNK_BYTES) {
                    send(copy, chunk);
                }
            }
            send(copy, chunk);
            copy.endCopy();
            return rows.rowCount();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + source + ": " + e.getMessage(), e);
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void send(CopyIn copy, StringBuilder chunk) throws SQLException {
        if (chunk.length() > 0) {
            byte[] bytes = chunk.toString().getBytes(StandardCharsets.US_ASCII);
            copy.writeToCopy(bytes, 0, bytes.length);
            chunk.setLength(0);
        }
    }
}
