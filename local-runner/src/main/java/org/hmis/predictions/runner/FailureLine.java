package org.hmis.predictions.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Map;
import org.hmis.predictions.common.config.ConfigurationException;

/**
 * The one line a person reads when a command fails: the failure and its causes' messages, each once, and for the
 * database failures a person can mend, what to do. No stack trace: {@code --verbose} adds it.
 */
final class FailureLine {
    /** What to do, by the SQLSTATE of the database's answer. */
    private static final Map<String, String> WHAT_TO_DO = Map.of(
            "3D000",
            "create that database, or name one that exists (RDS_DB_NAME, or --jdbc-url's /database)",
            "28P01",
            "check the user and password (RDS_USERNAME and RDS_USER_PWD, the secret of DB_SECRET_ARN, "
                    + "or --jdbc-url's user= and password=)",
            "28000",
            "check the user (RDS_USERNAME, or --jdbc-url's user=) and that the server's pg_hba.conf lets it in "
                    + "from this machine",
            "42P01",
            "a table is missing: `local-runner setup` creates the pipeline's own; the guests table is the intake "
                    + "app's (GUESTS_TABLE, or --table, names it)",
            "42501",
            "the database role lacks a privilege: run `setup` as a role that may create tables, the steps as one "
                    + "granted the pipeline's tables");

    private FailureLine() {}

    /** The failure's line, without the command's name. */
    static String of(Throwable e) {
        StringBuilder text = new StringBuilder(causes(e));
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof UnknownHostException unknown) {
                text.append(": no such host ").append(unknown.getMessage()).append(" (check RDS_HOST or --jdbc-url)");
                break;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String hint = WHAT_TO_DO.get(sql.getSQLState());
                if (hint != null) {
                    text.append("; ").append(hint);
                    break;
                }
            }
        }
        if (unexpected(e)) {
            text.append(" (").append(e.getClass().getName()).append("; --verbose prints its stack trace)");
        }
        return text.toString();
    }

    /**
     * A failure and its causes' messages, each once, on one line: what a person needs to see of, e.g., a connection
     * the database refused (its host, port, name and the driver's reason) without a stack trace.
     */
    static String causes(Throwable e) {
        StringBuilder text = new StringBuilder(
                e.getMessage() != null ? e.getMessage().strip() : e.getClass().getSimpleName());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !text.toString().contains(message.strip())) {
                text.append(": ").append(message.strip());
            }
        }
        return text.toString().replaceAll("\\s*\\R\\s*", " ");
    }

    /** A failure no check of the runner's names: a bug, whose type and stack trace say more than its message. */
    private static boolean unexpected(Throwable e) {
        return e instanceof RuntimeException
                && !(e instanceof ConfigurationException
                        || e instanceof IllegalArgumentException
                        || e instanceof IllegalStateException
                        || e instanceof UncheckedIOException
                        || e.getClass().getName().startsWith("software.amazon.awssdk.")
                        || e.getClass().getName().startsWith("org.flywaydb.")
                        || e.getCause() instanceof SQLException
                        || e.getCause() instanceof IOException);
    }
}
