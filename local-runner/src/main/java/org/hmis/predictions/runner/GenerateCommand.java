package org.hmis.predictions.runner;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.synthetic.LoadProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Loads synthetic guests into a database, for trying the pipeline or measuring it at scale. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Load deterministic synthetic guests (fake personal data) into a guests table through COPY.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--guests", required = true, description = "How many enrolments to load.")
    long guests;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--current-share",
            defaultValue = "0.10",
            description = "Share of guests still in the shelter (default ${DEFAULT-VALUE}).")
    double currentShare;

    @Option(names = "--table", description = "Guests table (default: GUESTS_TABLE, else guests).")
    String table;

    @Option(
            names = "--create-table",
            description =
                    "Create the reference guests table and prediction_runs first (never on a production database).")
    boolean createTable;

    @Mixin
    DatabaseOption database;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config =
                database.jdbcUrl == null ? PipelineConfig.fromEnvironment() : PipelineConfig.from(Map.of());
        SqlIdentifier guestsTable = table == null ? config.guestsTable() : SqlIdentifier.of(table);
        GuestGenerator generator =
                GuestGenerator.builder().seed(seed).currentShare(currentShare).build();
        long started = System.nanoTime();
        try (Database db = database.connect(config);
                Connection c = db.connection()) {
            if (createTable) {
                GuestsTable.create(c, guestsTable);
            }
            long loaded;
            loaded = LoadProgress.during(
                    db.connection(),
                    guestsTable,
                    guests,
                    () -> new GuestLoader(generator).load(c, guestsTable, guests));
            double seconds = DemoCommand.seconds(started);
            System.out.printf(
                    "Loaded %,d guests into %s in %.1f s (%,.0f guests/s)%n",
                    loaded, guestsTable, seconds, loaded / seconds);
        }
        return 0;
    }
}
