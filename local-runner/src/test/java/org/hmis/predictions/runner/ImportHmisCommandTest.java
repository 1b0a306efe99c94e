package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Map;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.HmisExportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code import-hmis} through Main: the import's summary, a refused export's one line, a missing zip. */
class ImportHmisCommandTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @TempDir
    Path folder;

    private static String url() {
        return PG.jdbcUrl() + "?user=" + URLEncoder.encode(PG.user(), StandardCharsets.UTF_8)
                + (PG.password().isEmpty()
                        ? ""
                        : "&password=" + URLEncoder.encode(PG.password(), StandardCharsets.UTF_8));
    }

    @Test
    void importsAnExportAndRefusesABadOneOnOneLine() throws Exception {
        CommandErrorsTest.Outcome setup = CommandErrorsTest.run(Map.of(), "setup", "--jdbc-url", url());
        assertEquals(0, setup.exit(), setup.err());
        Path zip = folder.resolve("export.zip");
        new HmisExportWriter(
                        GuestGenerator.builder()
                                .seed(3)
                                .asOf(LocalDate.of(2026, 6, 1))
                                .build(),
                        HmisExportWriter.Version.FY2026)
                .write(zip, 120);

        CommandErrorsTest.Outcome imported =
                CommandErrorsTest.run(Map.of(), "import-hmis", "--zip", zip.toString(), "--jdbc-url", url());
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(
                imported.out().contains("Imported the FY2026 export SYNTHETIC-3 (full refresh, as of 2026-06-01)"),
                imported.out());
        assertTrue(imported.out().contains("120 enrollments in hmis_guests"), imported.out());

        Path bad = folder.resolve("bad.zip");
        Files.write(bad, new byte[] {'P', 'K', 1, 2});
        CommandErrorsTest.Outcome refused =
                CommandErrorsTest.run(Map.of(), "import-hmis", "--zip", bad.toString(), "--jdbc-url", url());
        assertEquals(1, refused.exit(), refused.err());
        assertTrue(refused.line().startsWith("import-hmis failed: refused HMIS export: "), refused.err());
        assertTrue(refused.line().contains("is not a zip file"), refused.err());
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM hmis_guests")) {
            rs.next();
            assertEquals(120, rs.getLong(1), "the refused export left the import in place");
        }
    }

    @Test
    void aMissingZipIsAUsageError() {
        CommandErrorsTest.Outcome missing = CommandErrorsTest.run(
                Map.of(), "import-hmis", "--zip", folder.resolve("none.zip").toString(), "--jdbc-url", url());
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.line().contains("--zip: no such file"), missing.err());
    }

    @Test
    void anUnknownDemoSourceIsAUsageError() {
        CommandErrorsTest.Outcome unknown = CommandErrorsTest.run(Map.of(), "demo", "--source", "hmis");
        assertEquals(2, unknown.exit(), unknown.err());
        assertTrue(unknown.line().contains("--source must be guests or hmis-csv, was hmis"), unknown.err());
    }
}
