package org.hmis.predictions.runner;

import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.localservices.ExistingPostgres;
import picocli.CommandLine.Option;

/** {@code --jdbc-url}, else the database the environment configures (the functions' own variables). */
final class DatabaseOption {
    @Option(
            names = "--jdbc-url",
            description = "PostgreSQL to use, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres "
                    + "(default: RDS_HOST, RDS_USERNAME, ... from the environment, as the functions read them).")
    String jdbcUrl;

    Database connect(PipelineConfig config) {
        if (jdbcUrl == null) {
            return Database.connect(config.database());
        }
        // The URL's database is the one to use; user and password may ride in the URL.
        ExistingPostgres server = ExistingPostgres.at(jdbcUrl);
        return Database.connect(
                server.jdbcUrl(server.maintenanceDatabase()), server.user(), server.password(), null, 2);
    }
}
