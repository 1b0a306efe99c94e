package org.hmis.predictions.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export of a population: deterministic, one Enrollment per guests row, one Client per person, an Exit per exited
 * guest, and the headers of the version asked for. (That it carries the same features is hmis-import's
 * SameFeaturesTest.)
 */
class HmisExportWriterTest {
    private static final LocalDate AS_OF = LocalDate.of(2026, 6, 1);

    @TempDir
    Path folder;

    private Path write(HmisExportWriter.Version version, String name) throws IOException {
        Path zip = folder.resolve(name);
        long written = new HmisExportWriter(
                        GuestGenerator.builder().seed(8).asOf(AS_OF).build(), version)
                .write(zip, 500);
        assertEquals(500, written);
        return zip;
    }

    @Test
    void theSameSettingsGiveTheSameZip() throws IOException {
        assertArrayEquals(
                Files.readAllBytes(write(HmisExportWriter.Version.FY2024, "a.zip")),
                Files.readAllBytes(write(HmisExportWriter.Version.FY2024, "b.zip")));
    }

    @Test
    void eachGuestsRowIsOneEnrollmentEachPersonOneClientEachExitOneExit() throws IOException {
        Path zip = write(HmisExportWriter.Version.FY2024, "fy2024.zip");
        List<String[]> guests = new ArrayList<>();
        StringWriter text = new StringWriter();
        GuestGenerator.builder().seed(8).asOf(AS_OF).build().write(text, 500, GuestGenerator.Format.COPY_TEXT);
        text.toString().lines().forEach(line -> guests.add(line.split("\t", -1)));
        int personalId = GuestGenerator.COLUMNS.indexOf("personal_id");
        int exitDate = GuestGenerator.COLUMNS.indexOf("exit_date");
        assertEquals(500, lines(zip, "Enrollment.csv").size() - 1);
        assertEquals(
                guests.stream().map(g -> g[personalId]).distinct().count(),
                lines(zip, "Client.csv").size() - 1);
        assertEquals(
                guests.stream().filter(g -> !g[exitDate].equals("\\N")).count(),
                lines(zip, "Exit.csv").size() - 1);
        assertTrue(
                lines(zip, "Export.csv").get(1).contains(",2024 v1.3,3,2,"),
                lines(zip, "Export.csv").get(1));
    }

    @Test
    void fy2026HasSexAndNoGenderColumns() throws IOException {
        String fy2024 = lines(write(HmisExportWriter.Version.FY2024, "24.zip"), "Client.csv")
                .get(0);
        String fy2026 = lines(write(HmisExportWriter.Version.FY2026, "26.zip"), "Client.csv")
                .get(0);
        assertTrue(fy2024.contains(",Woman,Man,") && fy2024.contains(",HispanicLatinaeo,"), fy2024);
        assertTrue(fy2026.contains(",Sex,") && fy2026.contains(",HispanicLatinao,"), fy2026);
        assertTrue(!fy2026.contains("Woman") && !fy2024.contains(",Sex,"), fy2026);
    }

    private static List<String> lines(Path zip, String file) throws IOException {
        try (ZipFile in = new ZipFile(zip.toFile())) {
            ZipEntry entry = in.getEntry(file);
            try (InputStream data = in.getInputStream(entry)) {
                return new String(data.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
            }
        }
    }
}
