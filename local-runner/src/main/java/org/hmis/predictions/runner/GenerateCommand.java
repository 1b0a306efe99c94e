package org.hmis.predictions.runner;

import java.io.PrintStream;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Loads synthetic guests into a database, for trying the pipeline or measuring it at scale. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Load deterministic synthetic guests (fake personal data) into a guests table through COPY.")
final class GenerateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--guests", required = true, description = "How many enrolments to load (1 or more).")
    long guests;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--current-share",
            defaultValue = "0.10",
            description = "Share of guests still in the shelter, 0 to 1 (default ${DEFAULT-VALUE}).")
    double currentShare;

    @Option(names = "--table", description = "Guests table (default: GUESTS_TABLE, else guests).")
    String table;

    @Option(
            names = "--create-table",
            description = "Create the guests table first if it does not exist: the intake app's columns, as the HUD "
                    + "HMIS export has them, and its unique (personal_id, enroll_date) index. Nothing else: "
                    + "`setup` makes the pipeline's own tables. Never on a production database.")
    boolean createTable;

    @Mixin
    DatabaseOption database;

    private final Map<String, String> environment;
    private final PrintStream out;

    GenerateCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment and streams, as a test runs it. */
    GenerateCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
    }

    /** {@code --table}'s value, a usage error when it is no table name. */
    static SqlIdentifier tableOption(CommandLine.Model.CommandSpec spec, String table) {
        try {
            return SqlIdentifier.of(table);
        } catch (IllegalArgumentException e) {
            throw Main.usage(spec, "--table: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (guests < 1) {
            throw Main.usage(spec, "--guests must be positive, was " + guests);
        }
        if (!(currentShare >= 0 && currentShare <= 1)) {
            throw Main.usage(spec, "--current-share must be between 0 and 1, was " + currentShare);
        }
        PipelineConfig config = database.config(environment);
        SqlIdentifier guestsTable = table == null ? config.guestsTable() : tableOption(spec, table);
        GuestGenerator generator =
                GuestGenerator.builder().seed(seed).currentShare(currentShare).build();
        long started = System.nanoTime();
        try (Database db = DatabaseOption.connect(config);
                Connection c = db.connection()) {
            if (createTable) {
                GuestsTable.create(c, guestsTable);
            } else {
                RequiredTables.guests(
                        c,
                        guestsTable,
                        "give --create-table to create one with the intake app's columns, or --table (GUESTS_TABLE) "
                                + "to name yours");
            }
            long loaded;
            loaded = LoadProgress.during(
                    db.connection(),
                    guestsTable,
                    guests,
                    () -> new GuestLoader(generator).load(c, guestsTable, guests));
            double seconds = DemoCommand.seconds(started);
            out.printf(
                    "Loaded %,d guests into %s in %.1f s (%,.0f guests/s)%n",
                    loaded, guestsTable, seconds, loaded / seconds);
        }
        return 0;
    }
}
