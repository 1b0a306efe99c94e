package org.hmis.predictions.hmis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Enumeration;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.HmisExportWriter;

/** Generated exports for the tests, and copies of them with one file changed. */
final class ExportZips {
    static final LocalDate AS_OF = LocalDate.of(2026, 6, 1);

    private ExportZips() {}

    static GuestGenerator generator(long seed) {
        return GuestGenerator.builder().seed(seed).asOf(AS_OF).build();
    }

    static Path write(Path folder, HmisExportWriter.Version version, long seed, long count) throws IOException {
        Path zip = folder.resolve(version + "-" + seed + "-" + count + ".zip");
        new HmisExportWriter(generator(seed), version).write(zip, count);
        return zip;
    }

    /**
     * A copy of {@code zip} with each named file's text replaced by the function's result (a null result leaves the
     * file out).
     */
    static Path edit(Path zip, Path out, Map<String, UnaryOperator<String>> edits) throws IOException {
        try (ZipFile in = new ZipFile(zip.toFile());
                OutputStream stream = Files.newOutputStream(out);
                ZipOutputStream zipped = new ZipOutputStream(stream)) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String text;
                try (InputStream data = in.getInputStream(entry)) {
                    text = new String(data.readAllBytes(), StandardCharsets.UTF_8);
                }
                UnaryOperator<String> edit = edits.get(entry.getName());
                String edited = edit == null ? text : edit.apply(text);
                if (edited != null) {
                    zipped.putNextEntry(new ZipEntry(entry.getName()));
                    zipped.write(edited.getBytes(StandardCharsets.UTF_8));
                    zipped.closeEntry();
                }
            }
        }
        return out;
    }

    /** The text of one file of {@code zip}. */
    static String read(Path zip, String file) throws IOException {
        try (ZipFile in = new ZipFile(zip.toFile());
                InputStream data = in.getInputStream(in.getEntry(file))) {
            return new String(data.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
