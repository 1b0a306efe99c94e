package org.hmis.predictions.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.wrangle.WrangleStep;
import org.postgresql.PGConnection;

/**
 * Measures the wrangle step against what PostgreSQL itself allows: with the guests in the table (see
 * {@link #loadCurrentGuests}), it streams the step's own query through a plain {@code COPY (SELECT ...) TO STDOUT}
 * that reads and discards the bytes (the reference), then runs the step on the same rows into the object store,
 * watching the heap. Run it with {@code -Xmx256m} to show the step fits in 256 MB. Reports figures; asserts nothing.
 */
public final class WrangleBenchmark {
    /** The generated guests' export date, fixed so that a seed always gives the same table. */
    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 23);

    private static final int ROUNDS = 3;

    private final PipelineConfig config;
    private final Database database;
    private final ObjectStore store;

    /** The step is built from these as the function builds it, and reads {@code config}'s guests table. */
    public WrangleBenchmark(PipelineConfig config, Database database, ObjectStore store) {
        this.config = config;
        this.database = database;
        this.store = store;
    }

    /**
     * Appends {@code count} generated guests, every one still in the shelter, to an empty guests table (created with
     * {@code GuestsTable}), so the step has {@code count} rows to wrangle. Commits with the connection.
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
     * then times the reference COPY and the step in {@value #ROUNDS} rounds, taking turns, watching the heap during
     * the step; the best round of each counts (between single timings of the same build the ratio moved by 0.2).
     */
    public BenchLine run() throws SQLException, IOException {
        String copy = WrangleStep.copyCurrentGuests(config.guestsTable(), FeatureSpec.V1);
        WrangleStep step = WrangleStep.from(config, database, store);
        copyAndDiscard(copy);
        step.run(RunId.newRun());

        double bestReference = Double.MAX_VALUE;
        double bestStep = Double.MAX_VALUE;
        long referenceRows = 0;
        WrangleStep.Summary summary = null;
        HeapPeak.Figures heap = new HeapPeak.Figures(0, 0);
        for (int round = 0; round < ROUNDS; round++) {
            long referenceStart = System.nanoTime();
            referenceRows = copyAndDiscard(copy);
            bestReference = Math.min(bestReference, (System.nanoTime() - referenceStart) / 1e9);

            try (HeapPeak watch = HeapPeak.start()) {
                long started = System.nanoTime();
                summary = step.run(RunId.newRun());
                bestStep = Math.min(bestStep, (System.nanoTime() - started) / 1e9);
                heap = heap.max(watch.figures());
            }
            if (summary.rows() + summary.rejected() != referenceRows) {
                throw new IllegalStateException("the step read " + (summary.rows() + summary.rejected())
                        + " rows but the reference COPY " + referenceRows + ": the table changed during the benchmark");
            }
        }
        return BenchLine.of(WrangleStep.STEP, summary.rows(), bestStep)
                .reference("copy-out", referenceRows / bestReference)
                .heap(heap)
                .put("parts", summary.parts().size());
    }

    private long copyAndDiscard(String copy) throws SQLException, IOException {
        try (Connection connection = database.connection()) {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy, OutputStream.nullOutputStream());
        }
    }
}
