package org.hmis.predictions.common.csv;

/** A CSV object does not have the agreed shape; the message names the object, the line and the problem. */
public final class CsvFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CsvFormatException(String message) {
        super(message);
    }
}
