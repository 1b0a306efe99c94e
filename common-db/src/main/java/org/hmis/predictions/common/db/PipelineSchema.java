package org.hmis.predictions.common.db;

import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;

/**
 * The pipeline's own tables and views, created and evolved by the versioned migrations in {@code db/pipeline/}
 * (Flyway). They are applied by the local runner's {@code setup} and, when {@code MIGRATE=true}, by
 * remove-exited-predictions before its run; never by every invocation, so a steady-state run needs no CREATE
 * privilege.
 *
 * <p>The history table has a name of its own, so an intake app that keeps its schema with Flyway in the same
 * schema is not disturbed; a schema that already holds tables is baselined at version 0, so every migration runs.
 * Migrations that name the guests table get it, validated and quoted, as the placeholder {@code ${guests_table}};
 * the table of each guest's latest prediction ({@code GUEST_PREDICTIONS_TABLE}) is {@code ${guest_predictions_table}}.
 */
public final class PipelineSchema {
    /** Flyway's record of the migrations applied, beside the intake app's tables. */
    public static final String HISTORY_TABLE = "exit_destination_schema_history";

    private static final String LOCATION = "classpath:db/pipeline";

    private PipelineSchema() {}

    /** Applies every migration not yet applied, the guest predictions table under its default name; returns how many ran. */
    public static int migrate(DataSource dataSource, SqlIdentifier guestsTable) {
        return migrate(dataSource, guestsTable, SqlIdentifier.of(PipelineConfig.DEFAULT_GUEST_PREDICTIONS_TABLE));
    }

    /** The pipeline schema as the configuration names its tables. */
    public static int migrate(DataSource dataSource, PipelineConfig config) {
        return migrate(dataSource, config.guestsTable(), config.guestPredictionsTable());
    }

    /** Applies every migration not yet applied; returns how many ran. */
    public static int migrate(DataSource dataSource, SqlIdentifier guestsTable, SqlIdentifier guestPredictionsTable) {
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
        return result.migrationsExecuted;
    }
}
