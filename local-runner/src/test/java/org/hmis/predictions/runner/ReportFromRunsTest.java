package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report after real runs: a night's wrangle measured drift, and guests predicted that night have since left, so
 * remove kept their outcomes; the report draws both from the database.
 */
class ReportFromRunsTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final int LEAVING = 60;

    @TempDir
    Path directory;

    @Test
    void driftAndRealisedOutcomesComeFromTheRunsRecords() throws Exception {
        PipelineConfig config = PipelineConfig.from(LocalEndpoints.environment(
                PG.jdbcUrl(),
                PG.user(),
                PG.password(),
                S3.endpoint(),
                S3.region(),
                S3.accessKey(),
                S3.secretKey(),
                S3.bucket()));
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, config.guestsTable());
            new GuestLoader(GuestGenerator.builder()
                            .seed(5)
                            .asOf(LocalDate.of(2026, 11, 1))
                            .build())
                    .load(c, config.guestsTable(), 3000);
        }
        StoredModel model = ModelFiles.readResource(DemoCommand.BUNDLED_MODEL);
        try (LocalPipeline pipeline = new LocalPipeline(config)) {
            pipeline.migrate();
            ModelFiles.upload(model, pipeline.store(), S3.bucket());
            RunId night = RunId.newRun();
            pipeline.refresh(RunRequest.madeHere(night));
            execute("UPDATE guests SET exit_date = DATE '2026-11-20', exit_destination = 'Client refused'"
                    + " WHERE (personal_id, enroll_date) IN (SELECT personal_id, enroll_date FROM guests"
                    + " WHERE exit_date IS NULL ORDER BY personal_id, enroll_date LIMIT " + LEAVING + ")");
            assertEquals(LEAVING, pipeline.remove(RunRequest.newRun()).outcomesKept());
            double predictedUnknown =
                    number("SELECT avg((predicted_exit_destination = 'unknown')::int)" + " FROM prediction_outcomes");

            Path file = ReportCommand.write(model, pipeline.database().dataSource(), config.guestsTable(), directory);

            Document html = Jsoup.parse(file.toFile());
            assertTrue(html.select("#drift .empty, #outcomes .empty").isEmpty());
            assertTrue(
                    html.selectFirst("#drift").text().contains("Run " + night + ":"),
                    html.selectFirst("#drift").text());
            assertEquals(1, html.select("#drift img").size());
            Element months = html.select("#outcomes table").get(0);
            assertEquals(
                    List.of("2026-11", String.valueOf(LEAVING), String.format(Locale.ROOT, "%.3f", predictedUnknown)),
                    months.select("tr").get(2).select("td").eachText().subList(0, 3),
                    "every guest went to 'unknown': accuracy is the share predicted so");
            Element all =
                    html.select("#outcomes table").get(1).select("tr:has(td)").first();
            assertEquals(
                    List.of("all", "every guest", String.valueOf(LEAVING)),
                    all.select("td").eachText().subList(0, 3));
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static double number(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
