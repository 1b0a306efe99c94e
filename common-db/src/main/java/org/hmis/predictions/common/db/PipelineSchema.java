package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's own tables and views, created and evolved by the versioned migrations in {@code db/pipeline/}
 * (Flyway). They are applied by the local runner's {@code setup} and, when {@code MIGRATE=true}, by
 * remove-exited-predictions before its run; never by every invocation, so a steady-state run needs no CREATE
 * privilege.
 *
 * <p>The history table has a name of its own, so an intake app that keeps its schema with Flyway in the same
 * schema is not disturbed; a schema that already holds tables is baselined at version 0, so every migration runs.
 * Migrations that name the guests table get it, validated and quoted, as the placeholder {@code ${guests_table}};
 * the table of each guest's latest prediction ({@code GUEST_PREDICTIONS_TABLE}) is {@code ${guest_predictions_table}},
 * and after the migrations, once the guests table exists, the views of the current guests and of the current
 * households by risk are made again ({@link CurrentGuestRiskView}, {@link CurrentHouseholdRiskView} beside it).
 */
public final class PipelineSchema {
    /** Flyway's record of the migrations applied, beside the intake app's tables. */
    public static final String HISTORY_TABLE = "exit_destination_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(PipelineSchema.class);
    private static final String LOCATION = "classpath:db/pipeline";

    private PipelineSchema() {}

    /** Applies every migration not yet applied, the pipeline's tables and views under their default names. */
    public static int migrate(DataSource dataSource, SqlIdentifier guestsTable) {
        return migrate(
                dataSource,
                guestsTable,
                SqlIdentifier.of(PipelineConfig.DEFAULT_GUEST_PREDICTIONS_TABLE),
                SqlIdentifier.of(PipelineConfig.DEFAULT_CURRENT_GUEST_RISK_VIEW));
    }

    /** The pipeline schema as the configuration names its tables and views. */
    public static int migrate(DataSource dataSource, PipelineConfig config) {
        return migrate(dataSource, config.guestsTable(), config.guestPredictionsTable(), config.currentGuestRiskView());
    }

    /** Applies every migration not yet applied and makes the views, under the given names; returns how many ran. */
    public static int migrate(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            SqlIdentifier currentGuestRiskView) {
        SqlIdentifier currentHouseholdRiskView = CurrentHouseholdRiskView.beside(currentGuestRiskView);
        if (currentHouseholdRiskView.equals(currentGuestRiskView)) {
            throw new IllegalArgumentException("CURRENT_GUEST_RISK_VIEW " + currentGuestRiskView
                    + " is the name of the view of the current households: give the guests' view another name");
        }
        MigrateResult result = Flyway.configure(PipelineSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(Map.of(
                        "guests_table",
                        guestsTable.quoted(),
                        "guest_predictions_table",
                        guestPredictionsTable.quoted()))
                .load()
                .migrate();
        try (Connection c = dataSource.getConnection()) {
            Optional<GuestKeyColumns> guests = GuestKeyColumns.find(c, guestsTable);
            if (guests.isPresent()) {
                c.setAutoCommit(false);
                CurrentGuestRiskView.create(c, currentGuestRiskView, guestsTable, guests.get(), guestPredictionsTable);
                CurrentHouseholdRiskView.create(
                        c, currentHouseholdRiskView, guestsTable, guests.get(), guestPredictionsTable);
                c.commit();
            } else {
                LOG.warn(
                        "The guests table {} does not exist yet: the views {} and {} over it wait for the next setup",
                        guestsTable,
                        currentGuestRiskView,
                        currentHouseholdRiskView);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not make the views " + currentGuestRiskView + " and " + currentHouseholdRiskView + " over "
                            + guestsTable + ": " + e.getMessage(),
                    e);
        }
        return result.migrationsExecuted;
    }
}
