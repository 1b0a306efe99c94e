package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.hmis.HmisImporter;
import org.hmis.predictions.hmis.ImportSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Loads a HUD HMIS CSV export into the pipeline's tables and hmis_guests (docs/hmis-import.md). */
@Command(
        name = "import-hmis",
        mixinStandardHelpOptions = true,
        description = "Import a HUD HMIS CSV export (a zip, FY2024 or FY2026) into the pipeline's hmis_* tables and "
                + "the guests-shaped table hmis_guests, in one transaction: a refused export (named by file, line and "
                + "column) leaves the previous import in place. Then run the pipeline with GUESTS_TABLE=hmis_guests. "
                + "`setup` makes the tables.")
final class ImportHmisCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--zip", required = true, paramLabel = "FILE", description = "The export's zip file.")
    Path zip;

    @Mixin
    DatabaseOption database;

    private final Map<String, String> environment;
    private final PrintStream out;

    ImportHmisCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment and streams, as a test runs it. */
    ImportHmisCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(zip)) {
            throw Main.usage(spec, "--zip: no such file " + zip);
        }
        PipelineConfig config = database.config(environment);
        long started = System.nanoTime();
        ImportSummary summary;
        try (Database db = DatabaseOption.connect(config);
                Connection c = db.connection()) {
            RequiredTables.pipeline(c);
            summary = new HmisImporter().load(c, zip);
        }
        print(out, summary, DemoCommand.seconds(started));
        return 0;
    }

    /** The summary a person reads after an import. */
    static void print(PrintStream out, ImportSummary summary, double seconds) {
        out.printf(
                "Imported the %s export %s (%s refresh, as of %s) in %.1f s: %,d enrollments in %s, %,d current%n",
                summary.version(),
                summary.exportId(),
                summary.delta() ? "delta" : "full",
                summary.exportEndDate(),
                seconds,
                summary.guests(),
                HmisImporter.GUESTS_TABLE,
                summary.currentGuests());
        summary.liveRows()
                .forEach((file, rows) -> out.printf(
                        "  %-20s %,10d rows, %,d deleted%n",
                        file, rows, summary.deletedRows().get(file)));
        out.printf("  orphans dropped: %,d%n", summary.orphans());
    }
}
