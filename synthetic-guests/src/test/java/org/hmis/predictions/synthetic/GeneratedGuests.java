package org.hmis.predictions.synthetic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Generated guests parsed back from COPY text, for tests to look at by column name. */
final class GeneratedGuests {

    final List<String[]> rows;
    private final Map<String, Integer> index = new HashMap<>();

    private GeneratedGuests(List<String[]> rows) {
        this.rows = rows;
        for (int i = 0; i < GuestGenerator.COLUMNS.size(); i++) {
            index.put(GuestGenerator.COLUMNS.get(i), i);
        }
    }

    static byte[] bytes(GuestGenerator generator, long count, GuestGenerator.Format format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            generator.write(out, count, format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses COPY text: tab-separated, {@code \N} is NULL (no generated value contains a backslash). */
    static GeneratedGuests generate(GuestGenerator generator, long count) {
        String text = new String(bytes(generator, count, GuestGenerator.Format.COPY_TEXT), StandardCharsets.UTF_8);
        List<String[]> rows = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            lineNumber++;
            String[] fields = line.split("\t", -1);
            if (fields.length != GuestGenerator.COLUMNS.size()) {
                throw new AssertionError("line " + lineNumber + " has " + fields.length + " fields");
            }
            for (int i = 0; i < fields.length; i++) {
                if (fields[i].equals("\\N")) {
                    fields[i] = null;
                } else if (fields[i].indexOf('\\') >= 0) {
                    throw new AssertionError("line " + lineNumber + ", column " + GuestGenerator.COLUMNS.get(i)
                            + ": unexpected escape in " + fields[i]);
                }
            }
            rows.add(fields);
        }
        return new GeneratedGuests(rows);
    }

    String get(String[] row, String column) {
        Integer i = index.get(column);
        if (i == null) {
            throw new IllegalArgumentException("no column " + column);
        }
        return row[i];
    }

    int integer(String[] row, String column) {
        return Integer.parseInt(get(row, column));
    }
}
