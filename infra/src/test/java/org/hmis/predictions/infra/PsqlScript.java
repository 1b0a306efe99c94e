package org.hmis.predictions.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script written for {@code psql -v name=value -f script}, run over JDBC the way psql runs it: its variables
 * interpolated as psql does ({@code :'name'} a quoted literal, {@code :"name"} a quoted identifier), then the whole
 * script in one simple query. A script using psql's backslash commands cannot run so, and is refused.
 */
final class PsqlScript {
    private static final Pattern VARIABLE = Pattern.compile(":(['\"])([A-Za-z_][A-Za-z0-9_]*)\\1");
    private static final Pattern META_COMMAND = Pattern.compile("(?m)^\\s*\\\\");

    private final Path file;
    private final String text;

    private PsqlScript(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    static PsqlScript read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (META_COMMAND.matcher(text).find()) {
            throw new IllegalArgumentException(file + " uses a psql backslash command; keep it plain SQL");
        }
        return new PsqlScript(file, text);
    }

    String text() {
        return text;
    }

    /** The script with every variable replaced; a variable without a value is an error, as in psql. */
    String interpolate(Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(2));
            if (value == null) {
                throw new IllegalArgumentException(file + " uses the variable " + m.group(2) + ", which has no value");
            }
            String quote = m.group(1);
            String quoted = quote + value.replace(quote, quote + quote) + quote;
            m.appendReplacement(out, Matcher.quoteReplacement(quoted));
        }
        m.appendTail(out);
        return out.toString();
    }

    void run(Connection connection, Map<String, String> variables) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(interpolate(variables));
        }
    }
}
