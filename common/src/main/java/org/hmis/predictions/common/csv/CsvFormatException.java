package org.hmis.predictions.common.csv;

import java.io.IOException;

/** A CSV file that does not have the expected form; the message names the line and column. */
public final class CsvFormatException extends IOException {

    public CsvFormatException(String message) {
        super(message);
    }
}
