package org.hmis.predictions.synthetic;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows how far a COPY into the guests table has come, from the server's own count
 * ({@code pg_stat_progress_copy}, read over a second connection): a progress line redrawn on a terminal,
 * a line on standard error every ten seconds otherwise (a log file or CI keeps those).
 */
public final class LoadProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadProgress.class);
    private static final int BAR_WIDTH = 30;

    private final Connection connection;
    private final SqlIdentifier table;
    private final long total;
    private final PrintWriter terminal;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-progress");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> ticking;

    private LoadProgress(Connection connection, SqlIdentifier table, long total, PrintWriter terminal) {
        this.connection = connection;
        this.table = table;
        this.total = total;
        this.terminal = terminal;
    }

    /** A load into the watched table that returns the rows it loaded. */
    @FunctionalInterface
    public interface Load {
        long run() throws SQLException, IOException;
    }

    /**
     * Runs {@code load} while showing its progress; {@code watcher} is a connection of the watcher's own, closed
     * when the load ends.
     */
    public static long during(Connection watcher, SqlIdentifier table, long total, Load load)
            throws SQLException, IOException {
        LoadProgress progress = watch(watcher, table, total);
        try {
            return load.run();
        } finally {
            progress.close();
        }
    }

    // On JDK 22+ a console exists even when output is piped; the one-line ticker then goes to the pipe, harmlessly.
    @SuppressWarnings("SystemConsoleNull")
    private static LoadProgress watch(Connection connection, SqlIdentifier table, long total) {
        Console console = System.console();
        LoadProgress progress = new LoadProgress(connection, table, total, console == null ? null : console.writer());
        long period = console == null ? 10 : 1;
        progress.ticking = progress.ticker.scheduleAtFixedRate(progress::report, period, period, TimeUnit.SECONDS);
        return progress;
    }

    private void report() {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT coalesce(sum(tuples_processed), 0) FROM pg_stat_progress_copy WHERE relid = to_regclass(?)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                show(rs.getLong(1));
            }
        } catch (SQLException | RuntimeException e) {
            // Progress is a courtesy: a failed look must not disturb the load, which reports its own errors.
            LOG.debug("no progress figure: {}", e.getMessage());
        }
    }

    private void show(long rows) {
        double seconds = (System.nanoTime() - started) / 1e9;
        double share = total > 0 ? Math.min(1.0, (double) rows / total) : 0;
        if (terminal != null) {
            int filled = (int) Math.round(share * BAR_WIDTH);
            terminal.printf(
                    "\r  [%s%s] %,d / %,d guests  %.0f s ",
                    "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), rows, total, seconds);
            terminal.flush();
        } else {
            System.err.printf(
                    "loading %s: %,d of %,d guests (%d%%) after %.0f s%n",
                    table, rows, total, Math.round(share * 100), seconds);
        }
    }

    @Override
    public void close() {
        ticking.cancel(false);
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal != null) {
            terminal.print("\r" + " ".repeat(BAR_WIDTH + 50) + "\r");
            terminal.flush();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the progress connection: {}", e.getMessage());
        }
    }
}
