package org.hmis.predictions.wrangle;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Locale;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.synthetic.GuestGenerator;
import org.hmis.predictions.common.synthetic.GuestLoader;
import org.postgresql.PGConnection;

/**
 * Measures the wrangle step against what PostgreSQL itself allows: with the guests in the table (see
 * {@link #loadCurrentGuests}), it streams the step's own query through a plain {@code COPY (SELECT ...) TO STDOUT}
 * that reads and discards the bytes (the reference), then runs the step on the same rows into the object store,
 * watching the heap. Run it with {@code -Xmx256m} to show the step fits in 256 MB. Reports figures; asserts nothing.
 */
public final class WrangleBenchmark {
    private static final double MB = 1024 * 1024;
    /** The generated guests' export date, fixed so that a seed always gives the same table. */
    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 23);

    private final DataSource dataSource;
    private final SqlIdentifier guestsTable;
    private final ObjectStore store;
    private final String bucket;
    private final int partRows;

    public WrangleBenchmark(
            DataSource dataSource, SqlIdentifier guestsTable, ObjectStore store, String bucket, int partRows) {
        this.dataSource = dataSource;
        this.guestsTable = guestsTable;
        this.store = store;
        this.bucket = bucket;
        this.partRows = partRows;
    }

    /**
     * The figures of one benchmark run.
     *
     * @param rows                   guests wrangled
     * @param seconds                the step's wall time
     * @param referenceRowsPerSecond the plain COPY's rate on the same query
     * @param peakHeapMb             the most heap in use during the step (under the JVM's -Xmx)
     * @param peakLiveHeapMb         the most heap still in use after a collection during the step: its live data
     * @param maxHeapMb              the JVM's heap limit, so a reader sees what the peak was measured under
     */
    public record Result(
            long rows,
            double seconds,
            double rowsPerSecond,
            double referenceRowsPerSecond,
            double ratio,
            double peakHeapMb,
            double peakLiveHeapMb,
            double maxHeapMb) {
        /** One JSON line: step, rows, seconds, rows_per_s, reference, reference_rows_per_s, ratio, peak_heap_mb, ... */
        public String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"step\":\"wrangle\",\"rows\":%d,\"seconds\":%.3f,\"rows_per_s\":%.0f,"
                            + "\"reference\":\"copy-out\",\"reference_rows_per_s\":%.0f,\"ratio\":%.3f,\"peak_heap_mb\":%.1f,"
                            + "\"peak_live_heap_mb\":%.1f,\"max_heap_mb\":%.0f}",
                    rows,
                    seconds,
                    rowsPerSecond,
                    referenceRowsPerSecond,
                    ratio,
                    peakHeapMb,
                    peakLiveHeapMb,
                    maxHeapMb);
        }
    }

    /**
     * Appends {@code count} generated guests, every one still in the shelter, to an empty guests table (created with
     * {@code ReferenceSchema}), so the step has {@code count} rows to wrangle. Commits with the connection.
     */
    public static long loadCurrentGuests(Connection connection, SqlIdentifier guestsTable, long count, long seed)
            throws SQLException, IOException {
        GuestGenerator generator = GuestGenerator.builder()
                .seed(seed)
                .currentShare(1.0)
                .asOf(AS_OF)
                .build();
        return new GuestLoader(generator).load(connection, guestsTable, count);
    }

    /**
     * Runs the COPY and the step once each untimed (the server's cache and the JIT warm up, as in a warm function),
     * then times the reference COPY and the step, in that order, watching the heap during the step.
     */
    public Result run() throws SQLException, IOException {
        String copy = WrangleStep.copyCurrentGuests(guestsTable, new GuestFeatures(FeatureSpec.V1).inputColumns());
        WrangleStep step = new WrangleStep(dataSource, guestsTable, store, bucket, partRows);
        copyAndDiscard(copy);
        step.run(RunId.newRun());

        long referenceStart = System.nanoTime();
        long referenceRows = copyAndDiscard(copy);
        double referenceSeconds = (System.nanoTime() - referenceStart) / 1e9;

        System.gc();
        WrangleStep.Summary summary;
        long stepStart;
        long stepEnd;
        long peakUsed;
        long peakLive;
        try (HeapPeak heap = new HeapPeak()) {
            stepStart = System.nanoTime();
            summary = step.run(RunId.newRun());
            stepEnd = System.nanoTime();
            peakUsed = heap.peakUsedBytes();
            peakLive = heap.peakLiveBytes();
        }
        if (summary.rows() + summary.rejected() != referenceRows) {
            throw new IllegalStateException("the step read " + (summary.rows() + summary.rejected())
                    + " rows but the reference COPY " + referenceRows + ": the table changed during the benchmark");
        }
        double seconds = (stepEnd - stepStart) / 1e9;
        double rate = summary.rows() / seconds;
        double referenceRate = referenceRows / referenceSeconds;
        return new Result(
                summary.rows(),
                seconds,
                rate,
                referenceRate,
                rate / referenceRate,
                peakUsed / MB,
                peakLive / MB,
                Runtime.getRuntime().maxMemory() / MB);
    }

    private long copyAndDiscard(String copy) throws SQLException, IOException {
        try (Connection connection = dataSource.getConnection()) {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy, OutputStream.nullOutputStream());
        }
    }
}
