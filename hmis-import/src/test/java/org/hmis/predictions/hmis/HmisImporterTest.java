package org.hmis.predictions.hmis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.HmisExportWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports of generated exports, and of copies with one thing wrong: each bad export is refused naming the file, the
 * line and the column, with nothing of it loaded; FY2024 and FY2026 both import; a delta merges on the keys.
 */
class HmisImporterTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    static final long GUESTS = 400;

    @TempDir
    static Path folder;

    static Path fy2024;

    @BeforeAll
    static void schema() throws Exception {
        PipelineSchema.migrate(PG.dataSource(), SqlIdentifier.of(HmisImporter.GUESTS_TABLE));
        fy2024 = ExportZips.write(folder, HmisExportWriter.Version.FY2024, 5, GUESTS);
    }

    @BeforeEach
    void importTheFullExport() throws Exception {
        load(fy2024);
    }

    private static ImportSummary load(Path zip) throws Exception {
        try (Connection c = PG.connect()) {
            return new HmisImporter().load(c, zip);
        }
    }

    @Test
    void bothVersionsImportTheSamePopulation() throws Exception {
        String fy2024Guests = state();
        ImportSummary fy2024Summary = load(fy2024);
        assertEquals(HmisVersion.FY2024, fy2024Summary.version());
        Path fy2026 = ExportZips.write(folder, HmisExportWriter.Version.FY2026, 5, GUESTS);
        ImportSummary summary = load(fy2026);
        assertEquals(HmisVersion.FY2026, summary.version());
        assertEquals(GUESTS, summary.guests());
        assertEquals(fy2024Summary.currentGuests(), summary.currentGuests());
        assertTrue(summary.currentGuests() > 0 && summary.currentGuests() < GUESTS, summary.toString());
        assertEquals(
                query("SELECT count(*) FROM hmis_guests WHERE gender IN ('Female', 'Male')"),
                query("SELECT count(*) FROM hmis_guests WHERE gender IS NOT NULL"),
                "FY2026 has only Sex");
        assertFalse(fy2024Guests.equals(state()), "FY2026 carries less gender than FY2024");
        load(fy2024);
        assertEquals(fy2024Guests, state(), "the same export gives the same table again");
    }

    @Test
    void columnsAreMatchedByNameWhateverTheirCaseQuotesOrderAndAByteOrderMark() throws Exception {
        String before = state();
        Path reordered = ExportZips.edit(
                fy2024, folder.resolve("reordered.zip"), Map.of("Client.csv", HmisImporterTest::reorderAndQuote));
        load(reordered);
        assertEquals(before, state());
    }

    @Test
    void aMissingFileIsRefused() throws Exception {
        assertRefused(Map.of("Exit.csv", text -> null), "Exit.csv", 0, null, "the export has no such file");
    }

    @Test
    void aFileInAFolderIsRefused() throws Exception {
        Path zip = ExportZips.edit(fy2024, folder.resolve("nested.zip"), Map.of("Exit.csv", text -> null));
        // Put Exit.csv back, inside a folder.
        String exit = ExportZips.read(fy2024, "Exit.csv");
        Path nested = folder.resolve("nested2.zip");
        try (var out = java.nio.file.Files.newOutputStream(nested);
                var zipped = new java.util.zip.ZipOutputStream(out);
                var in = new java.util.zip.ZipFile(zip.toFile())) {
            for (var e = in.entries(); e.hasMoreElements(); ) {
                var entry = e.nextElement();
                zipped.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                in.getInputStream(entry).transferTo(zipped);
            }
            zipped.putNextEntry(new java.util.zip.ZipEntry("export/Exit.csv"));
            zipped.write(exit.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertRefusedZip(nested, "Exit.csv", 0, null, "in a folder (export/Exit.csv)");
    }

    @Test
    void aMissingColumnIsRefused() throws Exception {
        assertRefused(
                Map.of("Client.csv", text -> text.replaceFirst(",DOBDataQuality,", ",DOBQuality,")),
                "Client.csv",
                1,
                "DOBDataQuality",
                "the header has no column DOBDataQuality");
    }

    @Test
    void aDuplicateKeyIsRefused() throws Exception {
        String enrollments = ExportZips.read(fy2024, "Enrollment.csv");
        long lines = enrollments.lines().count();
        assertRefused(
                Map.of(
                        "Enrollment.csv",
                        text -> text + text.lines().skip(3).findFirst().orElseThrow() + "\r\n"),
                "Enrollment.csv",
                lines + 1,
                "EnrollmentID",
                "(first on line 4)");
    }

    @Test
    void aSecondExitOfOneEnrollmentIsRefused() throws Exception {
        assertRefused(
                Map.of(
                        "Exit.csv",
                        text -> text + "Y1," + field(text, 2, "EnrollmentID") + ",p,2020-01-01,410,,,"
                                + "2020-01-01 00:00:00,2020-01-01 00:00:00,1,,x\r\n"),
                "Exit.csv",
                ExportZips.read(fy2024, "Exit.csv").lines().count() + 1,
                "EnrollmentID",
                "a second row for");
    }

    @Test
    void anUnknownCodeIsRefused() throws Exception {
        assertRefused(
                Map.of("Exit.csv", text -> setField(text, 3, "Destination", "3")),
                "Exit.csv",
                3,
                "Destination",
                "'3' is not a code of its list");
    }

    @Test
    void aBadDateIsRefused() throws Exception {
        assertRefused(
                Map.of("Enrollment.csv", text -> setField(text, 5, "EntryDate", "03/01/2024")),
                "Enrollment.csv",
                5,
                "EntryDate",
                "'03/01/2024' is not a date (yyyy-mm-dd)");
        assertRefused(
                Map.of("Client.csv", text -> setField(text, 2, "DOB", "2024-02-30")),
                "Client.csv",
                2,
                "DOB",
                "is not a date");
    }

    @Test
    void aVersionTheHeadersContradictIsRefused() throws Exception {
        assertRefused(
                Map.of("Export.csv", text -> text.replace("2024 v1.3", "2026 v1.0")),
                "Client.csv",
                1,
                null,
                "the header is of FY2024 but Export.csv's CSVVersion says FY2026");
        assertRefused(
                Map.of("Export.csv", text -> text.replace("2024 v1.3", "2022 v1.2")),
                "Export.csv",
                2,
                "CSVVersion",
                "neither an FY2024 nor an FY2026 export");
    }

    @Test
    void aDeltaMergesOnTheKeysDeletesAndDropsTheOrphans() throws Exception {
        String enrollments = ExportZips.read(fy2024, "Enrollment.csv");
        String[] header = enrollments.lines().findFirst().orElseThrow().split(",", -1);
        List<String> rows = enrollments.lines().skip(1).toList();
        String current = query("SELECT enrollment_id FROM hmis_guests WHERE exit_date IS NULL ORDER BY 1 LIMIT 1");
        String exited = query("SELECT enrollment_id FROM hmis_guests g WHERE exit_date IS NOT NULL"
                + " AND enrollment_id <> '" + current + "' ORDER BY 1 LIMIT 1");
        String untouched = query("SELECT enrollment_id FROM hmis_guests WHERE enrollment_id NOT IN ('" + current
                + "', '" + exited + "') ORDER BY 1 LIMIT 1");
        execute("UPDATE hmis_guests SET predicted_exit_destination = 'perm' WHERE enrollment_id = '" + untouched + "'");
        String untouchedBefore =
                query("SELECT row(g.*)::text FROM hmis_guests g WHERE enrollment_id = '" + untouched + "'");

        String exitedRow = rows.stream()
                .filter(r -> r.startsWith(exited + ","))
                .findFirst()
                .orElseThrow();
        String[] deleted = exitedRow.split(",", -1);
        deleted[Arrays.asList(header).indexOf("DateDeleted")] = "2026-05-30 10:00:00";
        String[] added = rows.get(0).split(",", -1);
        added[0] = "NEW-1";
        added[Arrays.asList(header).indexOf("EntryDate")] = "2026-05-20";
        String currentPerson =
                query("SELECT personal_id FROM hmis_enrollments WHERE enrollment_id = '" + current + "'");
        Map<String, UnaryOperator<String>> delta = Map.of(
                "Export.csv", text -> setField(setField(text, 2, "ExportDirective", "1"), 2, "ExportPeriodType", "1"),
                "Project.csv", HmisImporterTest::headerOnly,
                "Client.csv", HmisImporterTest::headerOnly,
                "Enrollment.csv",
                        text -> headerOnly(text) + String.join(",", deleted) + "\r\n" + String.join(",", added)
                                + "\r\n",
                "Exit.csv",
                        text -> headerOnly(text) + "X-NEW," + current + "," + currentPerson
                                + ",2026-05-25,410,,,2026-05-25 00:00:00,2026-05-25 00:00:00,1,,d\r\n",
                "IncomeBenefits.csv", HmisImporterTest::headerOnly,
                "Disabilities.csv", HmisImporterTest::headerOnly);
        ImportSummary summary = load(ExportZips.edit(fy2024, folder.resolve("delta.zip"), delta));

        assertTrue(summary.delta());
        assertEquals(1L, summary.deletedRows().get("Enrollment.csv"));
        assertEquals(GUESTS, summary.guests(), "one enrollment more, one less");
        assertEquals("0", query("SELECT count(*) FROM hmis_guests WHERE enrollment_id = '" + exited + "'"));
        assertEquals(
                "0",
                query("SELECT count(*) FROM hmis_exits WHERE enrollment_id = '" + exited + "'"),
                "the deleted enrollment's exit is an orphan");
        assertEquals("0", query("SELECT count(*) FROM hmis_income_benefits WHERE enrollment_id = '" + exited + "'"));
        assertTrue(summary.orphans() >= 2, summary.toString());
        assertEquals(
                "2026-05-25 Rental by client, no ongoing housing subsidy",
                query("SELECT exit_date || ' ' || exit_destination FROM hmis_guests WHERE enrollment_id = '" + current
                        + "'"));
        assertEquals("2026-05-20", query("SELECT enroll_date::text FROM hmis_guests WHERE enrollment_id = 'NEW-1'"));
        assertEquals(
                untouchedBefore,
                query("SELECT row(g.*)::text FROM hmis_guests g WHERE enrollment_id = '" + untouched + "'"),
                "a row the delta does not touch keeps its values and its prediction");
        assertEquals("2", query("SELECT count(*) FROM hmis_exports"));
    }

    @Test
    void anExitAfterTheExportsEndDateIsNotYetAnExit() throws Exception {
        String current = query("SELECT enrollment_id FROM hmis_guests WHERE exit_date IS NULL ORDER BY 1 LIMIT 1");
        String person = query("SELECT personal_id FROM hmis_enrollments WHERE enrollment_id = '" + current + "'");
        load(ExportZips.edit(
                fy2024,
                folder.resolve("later-exit.zip"),
                Map.of(
                        "Exit.csv",
                        text -> text + "X-LATER," + current + "," + person
                                + ",2026-06-10,410,,,2026-06-10 00:00:00,2026-06-10 00:00:00,1,,x\r\n")));
        assertEquals(
                "current",
                query("SELECT CASE WHEN exit_date IS NULL AND exit_destination IS NULL THEN 'current'"
                        + " END FROM hmis_guests WHERE enrollment_id = '" + current + "'"));
        assertEquals("1", query("SELECT count(*) FROM hmis_exits WHERE exit_id = 'X-LATER'"), "kept for later");
    }

    private static void assertRefused(
            Map<String, UnaryOperator<String>> edits, String file, long line, String column, String problem)
            throws Exception {
        Path zip = ExportZips.edit(fy2024, folder.resolve("bad.zip"), edits);
        assertRefusedZip(zip, file, line, column, problem);
    }

    private static void assertRefusedZip(Path zip, String file, long line, String column, String problem)
            throws Exception {
        String before = state();
        String imports = query("SELECT count(*) FROM hmis_exports");
        RefusedExportException refused = assertThrows(RefusedExportException.class, () -> load(zip));
        assertEquals(file, refused.file(), refused.getMessage());
        assertEquals(line, refused.line(), refused.getMessage());
        assertEquals(column, refused.column(), refused.getMessage());
        assertTrue(refused.getMessage().contains(problem), refused.getMessage());
        assertEquals(before, state(), "nothing loaded, the previous import in place");
        assertEquals(imports, query("SELECT count(*) FROM hmis_exports"), "no import recorded");
    }

    /** Every import table's rows and hmis_guests, as one digest (not the log of imports, which grows). */
    private static String state() throws SQLException {
        List<String> parts = new ArrayList<>();
        for (String table : List.of(
                "hmis_projects",
                "hmis_clients",
                "hmis_enrollments",
                "hmis_exits",
                "hmis_income_benefits",
                "hmis_disabilities",
                "hmis_guests")) {
            parts.add(query("SELECT count(*) || ':' || coalesce(md5(string_agg(row(t.*)::text, '|' ORDER BY"
                    + " row(t.*)::text)), '') FROM " + table + " t"));
        }
        return String.join(" ", parts);
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String headerOnly(String text) {
        return text.lines().findFirst().orElseThrow() + "\r\n";
    }

    /** The value of {@code column} on line {@code line} (1 is the header) of a generated file. */
    private static String field(String text, int line, String column) {
        List<String> lines = text.lines().toList();
        int index = Arrays.asList(lines.get(0).split(",", -1)).indexOf(column);
        return lines.get(line - 1).split(",", -1)[index];
    }

    private static String setField(String text, int line, String column, String value) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int index = Arrays.asList(lines.get(0).split(",", -1)).indexOf(column);
        String[] fields = lines.get(line - 1).split(",", -1);
        fields[index] = value;
        lines.set(line - 1, String.join(",", fields));
        return String.join("\r\n", lines) + "\r\n";
    }

    /** Client.csv with a BOM, its header in lower case and quoted, and its first two columns swapped. */
    private static String reorderAndQuote(String text) {
        StringBuilder out = new StringBuilder("\uFEFF");
        boolean header = true;
        for (String line : text.lines().toList()) {
            String[] fields = line.split(",", -1);
            String first = fields[0];
            fields[0] = fields[1];
            fields[1] = first;
            for (int i = 0; i < fields.length; i++) {
                fields[i] = '"' + (header ? fields[i].toLowerCase(java.util.Locale.ROOT) : fields[i]) + '"';
            }
            out.append(String.join(",", fields)).append("\r\n");
            header = false;
        }
        return out.toString();
    }
}
