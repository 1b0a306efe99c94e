package org.hmis.predictions.hmis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.hmis.predictions.hmis.ExportFile.Column;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Loads a HUD HMIS CSV export (a zip of FY2024 or FY2026 files) into the pipeline's import tables and rebuilds
 * {@code hmis_guests} from them, in one transaction: an export that is refused, or an import that fails, leaves the
 * previous import as it was. docs/hmis-import.md says what is read, how it maps and what is refused.
 *
 * <p>A full refresh (ExportDirective 2) replaces the import tables (emptied, then loaded by COPY); a delta refresh (1) merges into them on each
 * file's primary key, a soft-deleted row (DateDeleted set) deleting the earlier row of its key. Either way no
 * soft-deleted row is kept, and the rows whose enrollment (or an enrollment whose client) is gone are dropped.
 */
public final class HmisImporter {
    /** The files an export must hold, at the zip's root. */
    public static final List<String> REQUIRED_FILES = List.of(
            "Export.csv",
            "Project.csv",
            "Client.csv",
            "Enrollment.csv",
            "Exit.csv",
            "IncomeBenefits.csv",
            "Disabilities.csv");

    /** The guests-shaped table the pipeline reads with GUESTS_TABLE=hmis_guests. */
    public static final String GUESTS_TABLE = "hmis_guests";

    private static final int COPY_CHUNK = 1 << 16;
    private static final Set<Integer> PERIOD_TYPES = Set.of(1, 2, 3, 4);
    private static final Set<Integer> DIRECTIVES = Set.of(1, 2, 3);
    private static final int DELTA_REFRESH = 1;
    private static final int FULL_REFRESH = 2;

    /** Export.csv's one row. */
    private record ExportRow(
            String exportId,
            LocalDateTime exportDate,
            LocalDate startDate,
            LocalDate endDate,
            String csvVersion,
            int periodType,
            int directive) {}

    /** Imports the export at {@code zip} on {@code c}, committing it as one transaction. */
    public ImportSummary load(Connection c, Path zip) throws IOException, SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (ZipFile file = open(zip)) {
            ImportSummary summary = load(c, file);
            c.commit();
            return summary;
        } catch (IOException | SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static ZipFile open(Path zip) throws IOException {
        try {
            return new ZipFile(zip.toFile(), StandardCharsets.UTF_8);
        } catch (ZipException e) {
            throw RefusedExportException.of(null, zip + " is not a zip file (" + e.getMessage() + ")");
        }
    }

    private ImportSummary load(Connection c, ZipFile zip) throws IOException, SQLException {
        try (Statement st = c.createStatement()) {
            // One import at a time: a second waits for the first to commit.
            st.execute("LOCK TABLE hmis_exports IN SHARE ROW EXCLUSIVE MODE");
        }
        Map<String, ZipEntry> entries = rootEntries(zip);
        ExportRow export = readExport(zip, entries);
        HmisVersion version = HmisVersion.ofCsvVersion(export.csvVersion());
        if (version == null) {
            throw RefusedExportException.at(
                    "Export.csv",
                    2,
                    "CSVVersion",
                    "'" + export.csvVersion()
                            + "' is neither an FY2024 nor an FY2026 export (the version names 2024 or 2026)");
        }
        if (export.directive() != DELTA_REFRESH && export.directive() != FULL_REFRESH) {
            throw RefusedExportException.at(
                    "Export.csv",
                    2,
                    "ExportDirective",
                    "3 (Other) is not supported: " + "an export is either a full refresh (2) or a delta refresh (1)");
        }
        boolean delta = export.directive() == DELTA_REFRESH;
        checkClientVersion(zip, entries, version);

        Map<String, Long> live = new LinkedHashMap<>();
        Map<String, Long> deleted = new LinkedHashMap<>();
        List<ExportFile> files = ExportFile.all(version);
        if (!delta) {
            // A full refresh replaces the tables: its rows go straight into them (TRUNCATE is transactional too).
            try (Statement st = c.createStatement()) {
                st.execute("TRUNCATE " + files.stream().map(ExportFile::table).collect(Collectors.joining(", ")));
            }
        }
        for (ExportFile file : files) {
            List<String> keys = new ArrayList<>();
            live.put(file.name(), stage(c, zip, entries.get(file.name().toLowerCase(Locale.ROOT)), file, delta, keys));
            deleted.put(file.name(), (long) keys.size());
            if (delta) {
                merge(c, file, keys);
            }
        }
        long orphans = dropOrphans(c);
        recordExport(c, export, version);
        long[] guests = HmisGuests.rebuild(c);
        return new ImportSummary(
                version, export.exportId(), delta, export.endDate(), live, deleted, orphans, guests[0], guests[1]);
    }

    /** The zip's entries at its root by lower-case name; a required file only found in a folder is named as such. */
    private static Map<String, ZipEntry> rootEntries(ZipFile zip) {
        Map<String, ZipEntry> root = new HashMap<>();
        Map<String, String> nested = new HashMap<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            ZipEntry entry = e.nextElement();
            String name = entry.getName();
            if (entry.isDirectory()) {
                continue;
            }
            int slash = name.lastIndexOf('/');
            if (slash < 0) {
                root.put(name.toLowerCase(Locale.ROOT), entry);
            } else {
                nested.putIfAbsent(name.substring(slash + 1).toLowerCase(Locale.ROOT), name);
            }
        }
        for (String required : REQUIRED_FILES) {
            String key = required.toLowerCase(Locale.ROOT);
            if (!root.containsKey(key)) {
                String inFolder = nested.get(key);
                throw RefusedExportException.of(
                        required,
                        inFolder == null
                                ? "the export has no such file; it needs " + String.join(", ", REQUIRED_FILES)
                                : "the file is in a folder (" + inFolder
                                        + "); an export's files sit at the zip's root");
            }
        }
        return root;
    }

    private static ExportRow readExport(ZipFile zip, Map<String, ZipEntry> entries) throws IOException {
        try (InputStream in = zip.getInputStream(entries.get("export.csv"));
                ExportCsv csv = new ExportCsv("Export.csv", in)) {
            int id = csv.column("ExportID");
            int date = csv.column("ExportDate");
            int start = csv.column("ExportStartDate");
            int end = csv.column("ExportEndDate");
            int csvVersion = csv.column("CSVVersion");
            int periodType = csv.column("ExportPeriodType");
            int directive = csv.column("ExportDirective");
            if (!csv.next()) {
                throw RefusedExportException.at("Export.csv", 2, null, "the file has no row; it needs exactly one");
            }
            ExportRow row = new ExportRow(
                    csv.required(id, "ExportID"),
                    requiredValue(csv, csv.timestamp(date, "ExportDate"), "ExportDate"),
                    requiredValue(csv, csv.date(start, "ExportStartDate"), "ExportStartDate"),
                    requiredValue(csv, csv.date(end, "ExportEndDate"), "ExportEndDate"),
                    csv.required(csvVersion, "CSVVersion").strip(),
                    requiredValue(csv, csv.code(periodType, "ExportPeriodType", PERIOD_TYPES), "ExportPeriodType"),
                    requiredValue(csv, csv.code(directive, "ExportDirective", DIRECTIVES), "ExportDirective"));
            if (csv.next()) {
                throw RefusedExportException.at(
                        "Export.csv", csv.line(), null, "a second row; the file has exactly one");
            }
            if (row.endDate().isBefore(row.startDate())) {
                throw RefusedExportException.at(
                        "Export.csv",
                        2,
                        "ExportEndDate",
                        row.endDate() + " is before ExportStartDate " + row.startDate());
            }
            return row;
        }
    }

    private static <T> T requiredValue(ExportCsv csv, T value, String column) {
        if (value == null) {
            throw csv.refused(column, "is empty; the column is required");
        }
        return value;
    }

    /** Client.csv's header must be of the version CSVVersion names. */
    private static void checkClientVersion(ZipFile zip, Map<String, ZipEntry> entries, HmisVersion version)
            throws IOException {
        try (InputStream in = zip.getInputStream(entries.get("client.csv"));
                ExportCsv csv = new ExportCsv("Client.csv", in)) {
            HmisVersion header = HmisVersion.ofClientHeader(csv.columnNames());
            if (header != version) {
                throw RefusedExportException.at(
                        "Client.csv",
                        1,
                        null,
                        "the header is " + (header == null ? "of neither FY2024 nor FY2026" : "of " + header)
                                + " but Export.csv's CSVVersion says " + version
                                + " (FY2024 has Woman, Man and HispanicLatinaeo; FY2026 has Sex and HispanicLatinao)");
            }
        }
    }

    /**
     * Reads one file, checking every value, into its import table (a full refresh, which has emptied it) or a
     * temporary table like it (a delta, merged next); returns the live rows and adds the soft-deleted rows' keys to
     * {@code deletedKeys}.
     */
    private static long stage(
            Connection c, ZipFile zip, ZipEntry entry, ExportFile file, boolean delta, List<String> deletedKeys)
            throws IOException, SQLException {
        String columns = file.columns().stream().map(Column::dbColumn).collect(Collectors.joining(", "));
        if (delta) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE " + stageTable(file) + " (LIKE " + file.table() + ") ON COMMIT DROP");
            }
        }
        CopyIn copy = c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY " + (delta ? stageTable(file) : file.table()) + " (" + columns + ") FROM STDIN");
        try (InputStream in = zip.getInputStream(entry);
                ExportCsv csv = new ExportCsv(file.name(), in)) {
            int[] index = new int[file.columns().size()];
            for (int i = 0; i < index.length; i++) {
                index[i] = csv.column(file.columns().get(i).name());
            }
            int dateDeleted = csv.column("DateDeleted");
            int oneRowPer = file.oneRowPerColumn() == null ? -1 : csv.column(file.oneRowPerColumn());
            Map<String, Long> keyLines = new HashMap<>();
            Map<String, Long> oneRowLines = new HashMap<>();
            ByteArrayOutputStream rows = new ByteArrayOutputStream(2 * COPY_CHUNK);
            StringBuilder row = new StringBuilder(256);
            long live = 0;
            while (csv.next()) {
                String key = csv.required(index[0], file.key().name());
                Long first = keyLines.putIfAbsent(key, csv.line());
                if (first != null) {
                    throw csv.refused(file.key().name(), "duplicate key '" + key + "' (first on line " + first + ")");
                }
                if (csv.timestamp(dateDeleted, "DateDeleted") != null) {
                    deletedKeys.add(key);
                    continue;
                }
                if (oneRowPer >= 0) {
                    String value = csv.required(oneRowPer, file.oneRowPerColumn());
                    Long earlier = oneRowLines.putIfAbsent(value, csv.line());
                    if (earlier != null) {
                        throw csv.refused(
                                file.oneRowPerColumn(),
                                "a second row for '" + value + "' (first on line " + earlier + "); there is one per "
                                        + file.oneRowPerColumn());
                    }
                }
                row.setLength(0);
                for (int i = 0; i < index.length; i++) {
                    if (i > 0) {
                        row.append('\t');
                    }
                    appendCopyValue(row, value(csv, file.columns().get(i), index[i]));
                }
                row.append('\n');
                byte[] bytes = row.toString().getBytes(StandardCharsets.UTF_8);
                rows.write(bytes, 0, bytes.length);
                if (rows.size() >= COPY_CHUNK) {
                    copy.writeToCopy(rows.toByteArray(), 0, rows.size());
                    rows.reset();
                }
                live++;
            }
            copy.writeToCopy(rows.toByteArray(), 0, rows.size());
            copy.endCopy();
            return live;
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** A checked value as COPY text reads it, or null. */
    private static String value(ExportCsv csv, Column column, int index) {
        String name = column.name();
        if (column.required()) {
            csv.required(index, name);
        }
        return switch (column.type()) {
            case ID -> csv.text(index);
            case DATE -> {
                LocalDate date = csv.date(index, name);
                yield date == null ? null : date.toString();
            }
            case TIMESTAMP -> {
                LocalDateTime time = csv.timestamp(index, name);
                yield time == null ? null : time.toString();
            }
            case MONEY -> csv.money(index, name);
            case CODE -> {
                Integer code = csv.code(index, name, column.codes());
                yield code == null ? null : code.toString();
            }
        };
    }

    private static void appendCopyValue(StringBuilder row, String value) {
        if (value == null) {
            row.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> row.append("\\\\");
                case '\t' -> row.append("\\t");
                case '\n' -> row.append("\\n");
                case '\r' -> row.append("\\r");
                default -> row.append(ch);
            }
        }
    }

    /** A delta: the deleted keys' rows deleted, the staged rows merged on the key. */
    private static void merge(Connection c, ExportFile file, List<String> deletedKeys) throws SQLException {
        String key = file.key().dbColumn();
        String columns = file.columns().stream().map(Column::dbColumn).collect(Collectors.joining(", "));
        try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM " + file.table() + " WHERE " + key + " = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", deletedKeys.toArray()));
            ps.executeUpdate();
        }
        String updates = file.columns().stream()
                .skip(1)
                .map(col -> col.dbColumn() + " = EXCLUDED." + col.dbColumn())
                .collect(Collectors.joining(", "));
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + file.table() + " (" + columns + ") SELECT " + columns + " FROM "
                    + stageTable(file) + " ON CONFLICT (" + key + ") DO "
                    + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates));
        }
    }

    /** Enrollments without their client, and the exits and assessments without their enrollment. */
    private static long dropOrphans(Connection c) throws SQLException {
        long dropped = 0;
        try (Statement st = c.createStatement()) {
            dropped += st.executeUpdate("DELETE FROM hmis_enrollments e WHERE NOT EXISTS "
                    + "(SELECT 1 FROM hmis_clients c WHERE c.personal_id = e.personal_id)");
            for (String table : List.of("hmis_exits", "hmis_income_benefits", "hmis_disabilities")) {
                dropped += st.executeUpdate("DELETE FROM " + table + " t WHERE NOT EXISTS "
                        + "(SELECT 1 FROM hmis_enrollments e WHERE e.enrollment_id = t.enrollment_id)");
            }
        }
        return dropped;
    }

    private static void recordExport(Connection c, ExportRow export, HmisVersion version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hmis_exports (export_id, csv_version, "
                + "hmis_version, export_date, export_start_date, export_end_date, export_directive, "
                + "export_period_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, export.exportId());
            ps.setString(2, export.csvVersion());
            ps.setString(3, version.name());
            ps.setObject(4, export.exportDate());
            ps.setObject(5, export.startDate());
            ps.setObject(6, export.endDate());
            ps.setInt(7, export.directive());
            ps.setInt(8, export.periodType());
            ps.executeUpdate();
        }
    }

    private static String stageTable(ExportFile file) {
        return "stage_" + file.table();
    }

    /** The number of rows of a query's first column, for the summary. */
    static long count(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
