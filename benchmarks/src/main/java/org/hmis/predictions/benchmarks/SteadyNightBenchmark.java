package org.hmis.predictions.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;

/**
 * A second night after a first refresh: during the day one in a hundred current guests changed, a third of them new
 * enrolments, a third with an edited income and a third who left, and the whole refresh runs again, predicting only
 * the guests whose prediction would change. Its line says the second night's wall time and rows re-scored beside the
 * first night's, measured on the same table just before.
 */
final class SteadyNightBenchmark {
    static final String STEP = "steady";
    /** One current guest in this many enrols again, one more earns more, one more leaves: 1% in all. */
    private static final int EACH_ONE_IN = 300;

    private final PipelineConfig config;
    private final BenchmarkSuite.Refresh refresh;

    /** @param config names the table the first night refreshed */
    SteadyNightBenchmark(PipelineConfig config, BenchmarkSuite.Refresh refresh) {
        this.config = config;
        this.refresh = refresh;
    }

    /** Changes the day's guests, then times the second night against {@code first} and its {@code firstSeconds}. */
    BenchLine run(BenchmarkSuite.RefreshFigures first, double firstSeconds) throws Exception {
        long changed = changeADay();
        try (HeapPeak heap = HeapPeak.start()) {
            long started = System.nanoTime();
            BenchmarkSuite.RefreshFigures second = refresh.run(config);
            double seconds = (System.nanoTime() - started) / 1e9;
            return BenchLine.of(STEP, second.rescored(), seconds)
                    .noReference()
                    .heap(heap)
                    .put("guests_changed", changed)
                    .put("rescored", second.rescored())
                    .put("carried_over", second.carriedOver())
                    .put("first_night_seconds", firstSeconds, 3)
                    .put("first_night_rescored", first.rescored())
                    .put("wrangle_seconds", second.wrangleSeconds(), 3)
                    .put("predict_seconds", second.predictSeconds(), 3)
                    .put("update_seconds", second.updateSeconds(), 3);
        }
    }

    /**
     * One in a hundred current guests, chosen by key, changes: a third of them are enrolled again as new guests alone,
     * a third earn more, a third leave. Answers how many guests that touched.
     */
    private long changeADay() throws SQLException {
        String guests = config.guestsTable().quoted();
        String current = " WHERE exit_date IS NULL AND personal_id % " + EACH_ONE_IN + " = ";
        try (Database database = Database.connect(config.database());
                Connection c = database.connection();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TEMPORARY TABLE enrolled ON COMMIT DROP AS SELECT * FROM " + guests + current + "1");
            st.execute(
                    "UPDATE enrolled SET personal_id = personal_id + 1000000000, case_id = NULL, relationship_to_hoh = 'Self',"
                            + " enroll_date = current_date, predicted_exit_destination = NULL");
            long enrolled = st.executeLargeUpdate("INSERT INTO " + guests + " SELECT * FROM enrolled");
            long edited = st.executeLargeUpdate(
                    "UPDATE " + guests + " SET earned_income = coalesce(earned_income, 0) + 100" + current + "2");
            long exited = st.executeLargeUpdate("UPDATE " + guests + " SET exit_date = current_date,"
                    + " exit_destination = 'Rental by client, no ongoing housing subsidy'" + current + "3");
            c.commit();
            return enrolled + edited + exited;
        }
    }
}
