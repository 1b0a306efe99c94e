package org.hmis.predictions.hmis;

import java.util.Set;

/**
 * The HMIS CSV specifications the importer reads. Export.csv's {@code CSVVersion} names the year, and Client.csv's
 * header must agree: FY2026 renamed {@code HispanicLatinaeo} to {@code HispanicLatinao}, removed the gender columns
 * and added {@code Sex}.
 */
public enum HmisVersion {
    FY2024("2024", "hispaniclatinaeo"),
    FY2026("2026", "hispaniclatinao");

    private final String year;
    private final String hispanicColumn;

    HmisVersion(String year, String hispanicColumn) {
        this.year = year;
        this.hispanicColumn = hispanicColumn;
    }

    /** The year {@code CSVVersion} holds, e.g. {@code 2024} in {@code 2024 v1.3}. */
    public String year() {
        return year;
    }

    /** Client.csv's Hispanic/Latina/e/o column, lower case. */
    String hispanicColumn() {
        return hispanicColumn;
    }

    /** The version a {@code CSVVersion} names, or null when it names neither. */
    static HmisVersion ofCsvVersion(String csvVersion) {
        for (HmisVersion version : values()) {
            if (csvVersion.contains(version.year)) {
                return version;
            }
        }
        return null;
    }

    /** The version Client.csv's header (lower-case names) is of, or null when it is of neither. */
    static HmisVersion ofClientHeader(Set<String> columns) {
        if (columns.contains("sex") && columns.contains(FY2026.hispanicColumn) && !columns.contains("woman")) {
            return FY2026;
        }
        if (columns.contains("woman") && columns.contains(FY2024.hispanicColumn) && !columns.contains("sex")) {
            return FY2024;
        }
        return null;
    }
}
