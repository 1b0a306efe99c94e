package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
 * the view of the current guests by risk ({@code CURRENT_GUEST_RISK_VIEW}) {@code ${current_guest_risk_view}}. The
 * views over the guests table are repeatable migrations in {@code db/guest-views/}, applied once that table exists,
 * with {@code ${guest_key_date}} the key date of its row {@code g} by the key date rule ({@link GuestKeyColumns}).
 */
public final class PipelineSchema {
    /** Flyway's record of the migrations applied, beside the intake app's tables. */
    public static final String HISTORY_TABLE = "exit_destination_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(PipelineSchema.class);
    /** The pipeline's tables: versioned migrations. */
    private static final String TABLES = "classpath:db/pipeline";
    /** Views over the guests table: repeatable migrations, applied once the table exists. */
    private static final String GUEST_VIEWS = "classpath:db/guest-views";

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

    /** Applies every migration not yet applied, under the given names; returns how many ran. */
    public static int migrate(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            SqlIdentifier currentGuestRiskView) {
        Optional<GuestKeyColumns> guests;
        try (Connection c = dataSource.getConnection()) {
            guests = GuestKeyColumns.find(c, guestsTable);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not read the guests table " + guestsTable + ": " + e.getMessage(), e);
        }
        List<String> locations = new ArrayList<>(List.of(TABLES));
        if (guests.isPresent()) {
            locations.add(GUEST_VIEWS);
        } else {
            LOG.warn(
                    "The guests table {} does not exist yet: the views over it ({}) wait for the next setup",
                    guestsTable,
                    currentGuestRiskView);
        }
        MigrateResult result = Flyway.configure(PipelineSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(locations.toArray(String[]::new))
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // A setup before the guests table existed did not see the views; that is not an error.
                .ignoreMigrationPatterns("*:future", "repeatable:missing")
                .placeholders(Map.of(
                        "guests_table",
                        guestsTable.quoted(),
                        "guest_predictions_table",
                        guestPredictionsTable.quoted(),
                        "current_guest_risk_view",
                        currentGuestRiskView.quoted(),
                        "guest_key_date",
                        guests.map(keys -> keys.keyDate("g")).orElse("")))
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
