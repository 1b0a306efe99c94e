package org.hmis.predictions.hmis;

/**
 * An export the importer will not load, with where the problem is: the file, and where it is known the line and the
 * column. Nothing of the export has been loaded when it is thrown.
 */
public final class RefusedExportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String column;

    private RefusedExportException(String file, long line, String column, String problem) {
        super(where(file, line, column) + problem);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /** A problem with the export as a whole, or with one of its files. */
    static RefusedExportException of(String file, String problem) {
        return new RefusedExportException(file, 0, null, problem);
    }

    /** A problem at a line of a file, in one of its columns (null for the whole line). */
    static RefusedExportException at(String file, long line, String column, String problem) {
        return new RefusedExportException(file, line, column, problem);
    }

    /** The export's file the problem is in (such as {@code Client.csv}), or null for the zip itself. */
    public String file() {
        return file;
    }

    /** The line of the file, 1 for the header; 0 when the problem is not on one line. */
    public long line() {
        return line;
    }

    /** The column the problem is in, or null. */
    public String column() {
        return column;
    }

    private static String where(String file, long line, String column) {
        StringBuilder where = new StringBuilder("refused HMIS export: ");
        if (file != null) {
            where.append(file);
            if (line > 0) {
                where.append(" line ").append(line);
            }
            if (column != null) {
                where.append(", column ").append(column);
            }
            where.append(": ");
        }
        return where.toString();
    }
}
