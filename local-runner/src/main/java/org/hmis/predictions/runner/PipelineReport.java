package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.remove.RemoveExitedStep;
import org.hmis.predictions.update.UpdateDbStep;
import org.hmis.predictions.wrangle.WrangleStep;

/** What a refresh did, for a person at a terminal: rows and time per step, then the table as case workers see it. */
final class PipelineReport {
    private PipelineReport() {}

    static void print(PrintStream out, LocalPipeline.Result r) {
        printRemove(out, r.remove());
        printWrangle(out, r.wrangle());
        printPredict(out, r.predict());
        long applied = printUpdate(out, r.update());
        if (applied == 0 && r.wrangle().rows() > 0) {
            out.println("  (nothing changed: every current guest already had this prediction)");
        }
    }

    static void printRemove(PrintStream out, RemoveExitedStep.Summary s) {
        out.printf(
                "  %-8s %,10d exited guests marked%s  %6.2f s%n",
                "remove", s.rowsMarked(), s.columnCreated() ? " (column created)" : "", s.durationMs() / 1000.0);
    }

    static void printWrangle(PrintStream out, WrangleStep.Summary s) {
        out.printf(
                "  %-8s %,10d current guests -> %d part(s), %d rejected, %,d carried over%s  %6.2f s%n",
                "wrangle",
                s.rows(),
                s.parts().size(),
                s.rejected(),
                s.carriedOver(),
                s.full() ? " (full refresh)" : "",
                s.durationMs() / 1000.0);
    }

    static void printPredict(PrintStream out, PredictStep.Summary s) {
        out.printf(
                "  %-8s %,10d predictions, model %s  %6.2f s%n",
                "predict",
                s.rows(),
                s.parts().stream()
                        .map(PredictStep.PartResult::model)
                        .findFirst()
                        .orElse("-"),
                s.durationMs() / 1000.0);
    }

    /** The update line over every part applied; returns the guests updated. */
    static long printUpdate(PrintStream out, UpdateDbStep.Result result) {
        List<UpdateDbStep.Summary> parts = result.parts();
        long applied = parts.stream().mapToLong(UpdateDbStep.Summary::applied).sum();
        long unchanged = parts.stream().mapToLong(s -> s.skipped().unchanged()).sum();
        long exited = parts.stream().mapToLong(s -> s.skipped().exited()).sum();
        long unmatched = parts.stream().mapToLong(s -> s.skipped().unmatched()).sum();
        long ms = parts.stream().mapToLong(UpdateDbStep.Summary::durationMs).sum();
        out.printf(
                "  %-8s %,10d guests updated; unchanged %,d, exited since %,d, unmatched %,d  %6.2f s%n",
                "update", applied, unchanged, exited, unmatched, ms / 1000.0);
        for (UpdateDbStep.Summary part : parts) {
            if (!UpdateDbStep.APPLIED.equals(part.status())) {
                out.printf("  %-8s %s: %s%n", "", part.part(), part.message());
            }
        }
        return applied;
    }

    /** The class mix and a few guests as the intake app shows them (key and prediction only, no personal data). */
    static void printDatabase(PrintStream out, DemoServices services, SqlIdentifier table) throws SQLException {
        try (Connection c = services.connect();
                Statement st = c.createStatement()) {
            out.println("Predicted exit destination of current guests:");
            try (ResultSet rs = st.executeQuery("SELECT coalesce(predicted_exit_destination, '(none)'), count(*),"
                    + " round(100.0 * count(*) / sum(count(*)) OVER (), 1) FROM " + table.quoted()
                    + " WHERE exit_date IS NULL GROUP BY 1 ORDER BY 2 DESC")) {
                while (rs.next()) {
                    out.printf("  %-8s %,8d  %5.1f%%%n", rs.getString(1), rs.getLong(2), rs.getDouble(3));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table.quoted()
                    + " WHERE exit_date IS NOT NULL AND predicted_exit_destination = 'exited'")) {
                rs.next();
                out.printf("Exited guests marked 'exited': %,d%n", rs.getLong(1));
            }
            out.println("A few current guests:");
            out.println("  personal_id  enroll_date  household_type                       prediction");
            try (ResultSet rs =
                    st.executeQuery("SELECT personal_id, enroll_date, household_type, predicted_exit_destination FROM "
                            + table.quoted() + " WHERE exit_date IS NULL ORDER BY personal_id, enroll_date LIMIT 5")) {
                while (rs.next()) {
                    out.printf(
                            "  %11d  %-11s  %-35s  %s%n",
                            rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4));
                }
            }
        }
    }
}
