package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.db.RunStatus;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ExitedGuests;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.TrainingParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An incremental night leaves the database exactly as a full refresh does. Two databases are loaded from one seed;
 * every night one is refreshed incrementally (the default) and the other in full, after the same changes to both
 * (enrolments, exits, edited incomes, an overwrite by the intake app, a new model, nothing at all), and every guest's
 * class, probabilities, risk, percentile, reasons and model, and every kept outcome, are compared.
 */
class IncrementalRefreshEquivalenceTest {
    @RegisterExtension
    static final TestPostgres INCREMENTAL = new TestPostgres();

    @RegisterExtension
    static final TestPostgres FULL = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final int GUESTS = 3_000;

    /** Changes the intake app makes during a day: the same on both databases. */
    private static final List<String> DAY_OF_CHANGES = List.of(
            // Enrolments: new guests, alone.
            "CREATE TEMPORARY TABLE enrolled AS SELECT * FROM guests WHERE exit_date IS NULL"
                    + " ORDER BY personal_id, enroll_date LIMIT 30",
            "UPDATE enrolled SET personal_id = personal_id + 10000000, case_id = NULL, relationship_to_hoh = 'Self',"
                    + " enroll_date = DATE '2026-11-02', predicted_exit_destination = NULL",
            "INSERT INTO guests SELECT * FROM enrolled",
            "DROP TABLE enrolled",
            // Exits: their households' other members change too.
            "UPDATE guests SET exit_date = DATE '2026-11-02', exit_destination = (SELECT exit_destination FROM guests"
                    + " WHERE exit_destination IS NOT NULL ORDER BY personal_id, enroll_date LIMIT 1)"
                    + " WHERE exit_date IS NULL AND personal_id % 37 = 0",
            // Edited incomes.
            "UPDATE guests SET earned_income = coalesce(earned_income, 0) + 750"
                    + " WHERE exit_date IS NULL AND personal_id % 41 = 1",
            // The intake app overwrites what the pipeline wrote.
            "UPDATE guests SET predicted_exit_destination = CASE WHEN predicted_exit_destination = 'perm'"
                    + " THEN 'temp' ELSE 'perm' END WHERE exit_date IS NULL AND personal_id % 43 = 2");

    @Test
    void everyIncrementalNightEndsWhereAFullRefreshEnds() throws Exception {
        PipelineConfig incremental = config(INCREMENTAL);
        PipelineConfig full = config(FULL).with(PipelineConfig.FULL_REFRESH, "true");
        for (TestPostgres pg : List.of(INCREMENTAL, FULL)) {
            try (Connection c = pg.connect()) {
                GuestsTable.create(c, incremental.guestsTable());
                new GuestLoader(generator()).load(c, incremental.guestsTable(), GUESTS);
            }
        }
        try (LocalPipeline inc = new LocalPipeline(incremental);
                LocalPipeline all = new LocalPipeline(full)) {
            inc.migrate();
            all.migrate();
            ModelFiles.upload(train(incremental, 15), inc.store(), S3.bucket());

            // The first night: no guest has a prediction, so both predict everyone.
            Night first = night(inc, all);
            assertEquals(0, first.incremental().wrangle().carriedOver());
            assertEquals(
                    first.full().wrangle().rows(), first.incremental().wrangle().rows());
            assertSameAsFull("after the first night");

            // A day of changes: only the guests they touch are predicted again.
            change(DAY_OF_CHANGES);
            Night second = night(inc, all);
            long current = count(INCREMENTAL, "SELECT count(*) FROM guests WHERE exit_date IS NULL");
            assertEquals(current, second.full().wrangle().rows(), "a full refresh predicts every current guest");
            assertTrue(second.full().wrangle().full());
            assertFalse(second.incremental().wrangle().full());
            long rescored = second.incremental().wrangle().rows();
            assertTrue(rescored > 30, "the enrolled, the edited and the overwritten are predicted: " + rescored);
            assertTrue(rescored < current / 2, rescored + " of " + current + " predicted again");
            assertEquals(current, rescored + second.incremental().wrangle().carriedOver());
            assertSameAsFull("after enrolments, exits, edited incomes and overwrites");
            try (Connection c = INCREMENTAL.connect()) {
                RunStatus status = RunStatus.of(
                                c, RunId.parse(second.incremental().wrangle().runId()))
                        .orElseThrow();
                assertEquals(RunLedger.COMPLETE, status.status());
                assertEquals(new RunStatus.Refresh(rescored, current - rescored, false), status.refresh());
            }

            // A new model predicts everyone again, however little changed.
            ModelFiles.upload(train(incremental, 25), inc.store(), S3.bucket());
            change(List.of("UPDATE guests SET earned_income = coalesce(earned_income, 0) + 10"
                    + " WHERE exit_date IS NULL AND personal_id % 53 = 3"));
            Night third = night(inc, all);
            assertEquals(0, third.incremental().wrangle().carriedOver(), "a new model predicts every guest again");
            assertSameAsFull("after a new model");

            // Nothing changed: nothing is predicted, and the run completes at the wrangle, ranked.
            Night fourth = night(inc, all);
            assertEquals(0, fourth.incremental().wrangle().rows());
            assertEquals(List.of(), fourth.incremental().wrangle().parts());
            assertEquals(RunLedger.COMPLETE, fourth.incremental().wrangle().status());
            assertSameAsFull("after a night without changes");
        }
    }

    private record Night(LocalPipeline.Result incremental, LocalPipeline.Result full) {}

    private static Night night(LocalPipeline inc, LocalPipeline all) throws Exception {
        return new Night(
                inc.refresh(RunRequest.madeHere(RunId.newRun())), all.refresh(RunRequest.madeHere(RunId.newRun())));
    }

    private static void assertSameAsFull(String when) throws SQLException {
        String guests = "SELECT g.personal_id, g.enroll_date, g.exit_date, g.predicted_exit_destination,"
                + " h.predicted_exit_destination, h.p_es, h.p_other, h.p_perm, h.p_temp, h.p_unknown, h.risk,"
                + " h.risk_percentile, h.reasons::text, h.model, h.model_etag, h.feature_spec_version, h.feature_hash"
                + " FROM guests g LEFT JOIN guest_predictions h ON h.personal_id = g.personal_id"
                + " AND h.enroll_date = g.enroll_date ORDER BY g.personal_id, g.enroll_date";
        List<List<String>> expected = rows(FULL, guests);
        assertSameRows(expected, rows(INCREMENTAL, guests), when);
        assertTrue(
                expected.stream().filter(r -> r.get(2) == null).allMatch(r -> r.get(11) != null),
                "every current guest has a percentile " + when);
        String outcomes = "SELECT personal_id, enroll_date, exit_date, actual_class, predicted_exit_destination, p_es,"
                + " p_other, p_perm, p_temp, p_unknown, risk, model FROM prediction_outcomes"
                + " ORDER BY personal_id, enroll_date";
        assertSameRows(rows(FULL, outcomes), rows(INCREMENTAL, outcomes), "the outcomes kept " + when);
    }

    /** Equal row for row; a difference is named by its first row, not by printing both tables. */
    private static void assertSameRows(List<List<String>> full, List<List<String>> incremental, String when) {
        for (int i = 0; i < Math.min(full.size(), incremental.size()); i++) {
            assertEquals(full.get(i), incremental.get(i), "row " + i + " " + when + " (full, then incremental)");
        }
        assertEquals(full.size(), incremental.size(), "rows " + when);
    }

    private static void change(List<String> statements) throws SQLException {
        for (TestPostgres pg : List.of(INCREMENTAL, FULL)) {
            try (Connection c = pg.connect();
                    Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            }
        }
    }

    private static StoredModel train(PipelineConfig config, int trees) throws SQLException {
        try (Connection c = INCREMENTAL.connect()) {
            return new ModelTrainer(new TrainingParameters(trees, 0.1, 15, 23, 2, 0.2))
                    .train(
                            config.modelName(),
                            FeatureSpec.V3.version(),
                            ExitedGuests.read(
                                            c, config.guestsTable(), FeatureSpec.V3, ExitDestinationClasses.defaults())
                                    .data());
        }
    }

    private static PipelineConfig config(TestPostgres pg) {
        return PipelineConfig.from(LocalEndpoints.environment(
                pg.jdbcUrl(),
                pg.user(),
                pg.password(),
                S3.endpoint(),
                S3.region(),
                S3.accessKey(),
                S3.secretKey(),
                S3.bucket()));
    }

    private static GuestGenerator generator() {
        return GuestGenerator.builder().seed(29).asOf(LocalDate.of(2026, 11, 1)).build();
    }

    private static List<List<String>> rows(TestPostgres pg, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static long count(TestPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
