package org.hmis.predictions.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.hmis.predictions.localservices.ExistingPostgres;
import org.hmis.predictions.localservices.LocalPostgres;
import org.hmis.predictions.localservices.LocalS3;
import org.hmis.predictions.localservices.PostgresServer;

/**
 * The demo's services: embedded PostgreSQL (or the server of {@code --jdbc-url}) holding a fresh demo
 * database, and an in-process S3 API whose objects are files a user can open afterwards.
 */
final class DemoServices implements AutoCloseable {
    static final String DATABASE = "exit_destination_demo";
    static final String BUCKET = "shelter-predictions";

    private final PostgresServer postgres;
    private final LocalPostgres embedded;
    private final LocalS3 s3;
    private final Path s3Directory;

    private DemoServices(PostgresServer postgres, LocalPostgres embedded, LocalS3 s3, Path s3Directory) {
        this.postgres = postgres;
        this.embedded = embedded;
        this.s3 = s3;
        this.s3Directory = s3Directory;
    }

    static DemoServices start(String jdbcUrl) throws Exception {
        LocalPostgres embedded = jdbcUrl == null ? LocalPostgres.start() : null;
        PostgresServer postgres = embedded != null ? embedded : ExistingPostgres.at(jdbcUrl);
        try {
            postgres.dropDatabase(DATABASE);
            postgres.createDatabase(DATABASE);
            Path s3Directory = Files.createTempDirectory("exit-destination-demo-s3-");
            LocalS3 s3 = LocalS3.inDirectory(s3Directory);
            s3.createBucket(BUCKET);
            return new DemoServices(postgres, embedded, s3, s3Directory);
        } catch (Exception e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    String jdbcUrl() {
        return postgres.jdbcUrl(DATABASE);
    }

    String databaseDescription() {
        return embedded != null ? "embedded PostgreSQL " + jdbcUrl() + " (removed on exit)" : jdbcUrl();
    }

    Path s3Directory() {
        return s3Directory;
    }

    java.sql.Connection connect() throws SQLException {
        return postgres.connect(DATABASE);
    }

    /** The variables a function would have, pointing at these services. */
    Map<String, String> environment() {
        return LocalEndpoints.environment(jdbcUrl(), postgres.user(), postgres.password(),
                s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), BUCKET);
    }

    @Override
    public void close() {
        s3.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
