package org.hmis.predictions.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.hmis.HmisImporter;
import org.hmis.predictions.hmis.ImportSummary;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.HmisExportWriter;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures {@code import-hmis} on a generated FY2024 export of N enrollments (the local runner's {@code bench} calls
 * it): {@link HmisImporter} checking every value, merging, dropping orphans and building hmis_guests, beside the
 * reference, what PostgreSQL allows: the same files of the same zip {@code COPY}'d as they are (CSV with a header)
 * into tables of text columns, in one transaction, with no check and no mapping. Both read the zip as they go, and
 * take turns; the best round of each counts. The first import fills empty tables, a later one replaces the same rows
 * (and rewrites no unchanged hmis_guests row): {@code first_import_seconds} is the first's. The rate counts
 * enrollments.
 */
public final class ImportBenchmark {
    public static final String STEP = "import";
    private static final Logger LOG = LoggerFactory.getLogger(ImportBenchmark.class);
    private static final int ROUNDS = 2;
    private static final List<String> LOADED_FILES = HmisImporter.REQUIRED_FILES.stream()
            .filter(file -> !file.equals("Export.csv"))
            .toList();

    private final Database database;
    private final long enrollments;
    private final long seed;

    /** The pipeline schema must be in place in {@code database} (it is after the suite's load). */
    public ImportBenchmark(Database database, long enrollments, long seed) {
        this.database = database;
        this.enrollments = enrollments;
        this.seed = seed;
    }

    public BenchLine run() throws SQLException, IOException {
        Path folder = Files.createTempDirectory("import-bench-");
        Path zip = folder.resolve("hmis-export.zip");
        try {
            new HmisExportWriter(GuestGenerator.builder().seed(seed).build(), HmisExportWriter.Version.FY2024)
                    .write(zip, enrollments);
            double bestImport = Double.MAX_VALUE;
            double firstImport = 0;
            double bestCopy = Double.MAX_VALUE;
            ImportSummary summary = null;
            try (HeapPeak heap = HeapPeak.start()) {
                for (int round = 0; round < ROUNDS; round++) {
                    long started = System.nanoTime();
                    copyFiles(zip);
                    bestCopy = Math.min(bestCopy, seconds(started));
                    started = System.nanoTime();
                    try (Connection c = database.connection()) {
                        summary = new HmisImporter().load(c, zip);
                    }
                    double seconds = seconds(started);
                    bestImport = Math.min(bestImport, seconds);
                    firstImport = round == 0 ? seconds : firstImport;
                    LOG.info("round {}: import {} s, COPY {} s", round, seconds, bestCopy);
                }
                return BenchLine.of(STEP, summary.guests(), bestImport)
                        .reference("copy-csv-files", summary.guests() / bestCopy)
                        .heap(heap)
                        .put("first_import_seconds", firstImport, 3)
                        .put("zip_mb", Files.size(zip) / 1e6, 1)
                        .put("current", summary.currentGuests());
            }
        } finally {
            Files.deleteIfExists(zip);
            Files.deleteIfExists(folder);
        }
    }

    /** The reference: each file COPY'd as it is into a fresh table of text columns, in one transaction. */
    private void copyFiles(Path zip) throws SQLException, IOException {
        try (Connection c = database.connection();
                ZipFile files = new ZipFile(zip.toFile())) {
            c.setAutoCommit(false);
            for (String file : LOADED_FILES) {
                ZipEntry entry = files.getEntry(file);
                String table = "bench_copy_" + file.replace(".csv", "").toLowerCase(Locale.ROOT);
                List<String> columns = new ArrayList<>();
                try (InputStream in = files.getInputStream(entry)) {
                    String header = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8)
                            .lines()
                            .findFirst()
                            .orElseThrow();
                    Arrays.stream(header.split(",")).forEach(name -> columns.add('"' + name.strip() + "\" TEXT"));
                }
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                    st.execute("CREATE TABLE " + table + " (" + String.join(", ", columns) + ")");
                }
                try (InputStream in = files.getInputStream(entry)) {
                    c.unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn("COPY " + table + " FROM STDIN (FORMAT csv, HEADER true)", in);
                }
            }
            c.commit();
            try (Statement st = c.createStatement()) {
                for (String file : LOADED_FILES) {
                    st.execute(
                            "DROP TABLE bench_copy_" + file.replace(".csv", "").toLowerCase(Locale.ROOT));
                }
            }
            c.commit();
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
