package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.hmis.HmisImporter;
import org.hmis.predictions.hmis.ImportSummary;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.HmisExportWriter;

/**
 * The demo's guests from an HMIS CSV export instead of the intake app's table: the synthetic population written as
 * an FY2024 export zip, imported into hmis_guests, which the pipeline then reads (GUESTS_TABLE=hmis_guests).
 */
final class HmisCsvSource {
    /** {@code demo --source}'s value for this source. */
    static final String NAME = "hmis-csv";

    private HmisCsvSource() {}

    /** The demo's variables with the pipeline reading hmis_guests. */
    static Map<String, String> environment(Map<String, String> environment) {
        Map<String, String> hmis = new HashMap<>(environment);
        hmis.put(PipelineConfig.GUESTS_TABLE, HmisImporter.GUESTS_TABLE);
        return hmis;
    }

    /** Writes {@code guests} synthetic enrollments as an export, imports it; returns the enrollments imported. */
    static long load(PipelineConfig config, long guests, long seed, PrintStream out) throws Exception {
        Path zip = Files.createTempDirectory("exit-destination-demo-hmis-").resolve("hmis-export-fy2024.zip");
        GuestGenerator generator = GuestGenerator.builder().seed(seed).build();
        new HmisExportWriter(generator, HmisExportWriter.Version.FY2024).write(zip, guests);
        out.println("Wrote the synthetic guests as an FY2024 HMIS CSV export: " + zip);
        long started = System.nanoTime();
        try (Database db = Database.connect(config.database())) {
            // The tables first, on connections of their own: the pool is small.
            PipelineSchema.migrate(db.dataSource(), config);
            try (Connection c = db.connection()) {
                ImportSummary summary = new HmisImporter().load(c, zip);
                ImportHmisCommand.print(out, summary, DemoCommand.seconds(started));
                return summary.guests();
            }
        }
    }
}
