package org.hmis.predictions.hmis;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One CSV file of the export, read record by record: columns found by name (trimmed, case-insensitively, never by
 * position), values quoted or not, a UTF-8 byte order mark skipped. Each value is checked as it is read, and a bad
 * one refuses the export naming the file, the line and the column.
 */
final class ExportCsv implements Closeable {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern MONEY = Pattern.compile("-?[0-9]{1,10}(\\.[0-9]{1,2})?");
    private static final Pattern CODE = Pattern.compile("-?[0-9]{1,9}");

    private final String file;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final Map<String, Integer> columns;
    private CSVRecord record;
    private long line;
    private int width = -1;

    ExportCsv(String file, InputStream in) throws IOException {
        this.file = file;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        this.parser =
                CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get().parse(reader);
        this.records = parser.iterator();
        if (!next()) {
            throw RefusedExportException.at(file, 1, null, "the file is empty; it needs a header line");
        }
        width = record.size();
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < record.size(); i++) {
            byName.putIfAbsent(record.get(i).strip().toLowerCase(Locale.ROOT), i);
        }
        this.columns = Collections.unmodifiableMap(byName);
    }

    /** The header's column names, lower case. */
    Set<String> columnNames() {
        return columns.keySet();
    }

    /** The index of the named column, refusing the export when the header lacks it. */
    int column(String name) {
        Integer index = columns.get(name.toLowerCase(Locale.ROOT));
        if (index == null) {
            throw RefusedExportException.at(file, 1, name, "the header has no column " + name);
        }
        return index;
    }

    /** Moves to the next record; false at the end of the file. */
    boolean next() {
        try {
            if (!records.hasNext()) {
                return false;
            }
            record = records.next();
            // The parser has read the record's line end: its line count is the record's (last) line.
            line = parser.getCurrentLineNumber();
        } catch (UncheckedIOException e) {
            throw RefusedExportException.at(
                    file,
                    parser.getCurrentLineNumber() + 1,
                    null,
                    "not valid CSV: " + e.getCause().getMessage());
        }
        if (width >= 0 && record.size() != width) {
            throw RefusedExportException.at(file, line, null, "has " + record.size() + " fields, the header " + width);
        }
        return true;
    }

    /** The line the current record starts on; the header is line 1. */
    long line() {
        return line;
    }

    String file() {
        return file;
    }

    /** The current record's value in the column at {@code index}, or null when it is empty. */
    String text(int index) {
        String value = index < record.size() ? record.get(index) : "";
        return value.isEmpty() ? null : value;
    }

    /** The value, refusing the export when it is empty. */
    String required(int index, String name) {
        String value = text(index);
        if (value == null) {
            throw refused(name, "is empty; the column is required");
        }
        return value;
    }

    LocalDate date(int index, String name) {
        String value = text(index);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip(), DATE);
        } catch (DateTimeParseException e) {
            throw refused(name, "'" + value + "' is not a date (yyyy-mm-dd)");
        }
    }

    LocalDateTime timestamp(int index, String name) {
        String value = text(index);
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.strip(), TIMESTAMP);
        } catch (DateTimeParseException e) {
            throw refused(name, "'" + value + "' is not a date and time (yyyy-mm-dd hh:mm:ss)");
        }
    }

    String money(int index, String name) {
        String value = text(index);
        if (value == null) {
            return null;
        }
        String amount = value.strip();
        if (!MONEY.matcher(amount).matches()) {
            throw refused(name, "'" + value + "' is not an amount (such as 1234.50)");
        }
        return amount;
    }

    Integer code(int index, String name, Set<Integer> codes) {
        String value = text(index);
        if (value == null) {
            return null;
        }
        String code = value.strip();
        if (!CODE.matcher(code).matches() || !codes.contains(Integer.parseInt(code))) {
            throw refused(
                    name,
                    "'" + value + "' is not a code of its list "
                            + codes.stream().sorted().toList());
        }
        return Integer.parseInt(code);
    }

    RefusedExportException refused(String column, String problem) {
        return RefusedExportException.at(file, line, column, problem);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
