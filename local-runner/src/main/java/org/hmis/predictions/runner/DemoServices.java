package org.hmis.predictions.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final String database;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread stopOnExit = new Thread(this::close, "stop-demo-services");

    private DemoServices(
            PostgresServer postgres, LocalPostgres embedded, LocalS3 s3, Path s3Directory, String database) {
        this.postgres = postgres;
        this.embedded = embedded;
        this.s3 = s3;
        this.s3Directory = s3Directory;
        this.database = database;
    }

    static DemoServices start(String jdbcUrl) throws Exception {
        return start(jdbcUrl, DATABASE);
    }

    /**
     * Starts the services with a fresh {@code database}. Ctrl-C stops them too (a shutdown hook): embedded
     * PostgreSQL does not outlive the JVM, and a step's open transaction is rolled back with its connection.
     */
    static DemoServices start(String jdbcUrl, String database) throws Exception {
        LocalPostgres embedded = jdbcUrl == null ? LocalPostgres.start() : null;
        PostgresServer postgres = embedded != null ? embedded : ExistingPostgres.at(jdbcUrl);
        try {
            postgres.dropDatabase(database);
            postgres.createDatabase(database);
            Path s3Directory = Files.createTempDirectory("exit-destination-demo-s3-");
            LocalS3 s3 = LocalS3.inDirectory(s3Directory);
            s3.createBucket(BUCKET);
            DemoServices services = new DemoServices(postgres, embedded, s3, s3Directory, database);
            Runtime.getRuntime().addShutdownHook(services.stopOnExit);
            return services;
        } catch (Exception e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    String jdbcUrl() {
        return postgres.jdbcUrl(database);
    }

    /** Drops the database on an existing server (an embedded one goes with its server); call after the pools closed. */
    void dropDatabase() throws SQLException {
        if (embedded == null) {
            postgres.dropDatabase(database);
        }
    }

    String databaseDescription() {
        return embedded != null ? "embedded PostgreSQL " + jdbcUrl() + " (removed on exit)" : jdbcUrl();
    }

    Path s3Directory() {
        return s3Directory;
    }

    java.sql.Connection connect() throws SQLException {
        return postgres.connect(database);
    }

    /** The variables a function would have, pointing at these services. */
    Map<String, String> environment() {
        return LocalEndpoints.environment(
                jdbcUrl(),
                postgres.user(),
                postgres.password(),
                s3.endpoint(),
                s3.region(),
                s3.accessKey(),
                s3.secretKey(),
                BUCKET);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; this close already did its work.
            }
        }
        s3.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
