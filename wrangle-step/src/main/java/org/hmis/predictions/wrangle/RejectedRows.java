package org.hmis.predictions.wrangle;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;

/**
 * {@code wrangled/<runId>/rejected.csv}: the rows set aside because their key is missing or malformed, so an
 * operator can find and fix them. Each line holds the row's number in the query's output, its key fields exactly
 * as read and the reason; nothing else of the row, so no personal data. Header:
 * {@code row,personal_id,enroll_date,reason}. A NULL key field is an empty field, an empty text a quoted one
 * ({@code ""}), as PostgreSQL's CSV has them. The object is written only when a row is rejected.
 */
final class RejectedRows implements AutoCloseable {
    static final String HEADER = "row,personal_id,enroll_date,reason\n";

    private final ObjectStore store;
    private final String bucket;
    private final String key;
    private final Map<String, String> metadata;
    private ObjectUpload upload;
    private Writer writer;
    private long count;

    RejectedRows(ObjectStore store, String bucket, String key, Map<String, String> metadata) {
        this.store = store;
        this.bucket = bucket;
        this.key = key;
        this.metadata = metadata;
    }

    void add(long row, String personalId, String enrollDate, String reason) throws IOException {
        if (writer == null) {
            upload = store.upload(bucket, key);
            writer = new BufferedWriter(new OutputStreamWriter(upload, StandardCharsets.UTF_8));
            writer.write(HEADER);
        }
        writer.write(Long.toString(row));
        writer.write(',');
        writeField(personalId);
        writer.write(',');
        writeField(enrollDate);
        writer.write(',');
        writeField(reason);
        writer.write('\n');
        count++;
    }

    long count() {
        return count;
    }

    /** Uploads the file when a row was rejected; returns its key, or null when there was nothing to write. */
    String finish() throws IOException {
        if (writer == null) {
            return null;
        }
        writer.flush();
        Map<String, String> withRows = new HashMap<>(metadata);
        withRows.put(ObjectMetadata.ROWS, Long.toString(count));
        upload.commit(withRows);
        return key;
    }

    /** Discards the file unless {@link #finish()} uploaded it. */
    @Override
    public void close() {
        if (upload != null) {
            upload.close();
        }
    }

    private void writeField(String value) throws IOException {
        if (value == null) {
            return;
        }
        boolean quote = value.isEmpty();
        for (int i = 0; i < value.length() && !quote; i++) {
            char ch = value.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
        }
        if (!quote) {
            writer.write(value);
            return;
        }
        writer.write('"');
        writer.write(value.replace("\"", "\"\""));
        writer.write('"');
    }
}
