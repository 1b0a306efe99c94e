package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.ReferenceSchema;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@link WrangleBenchmark} on generated guests; only when asked, never in {@code mvn verify}:
 * <pre>
 * ./mvnw -B -q -pl wrangle-step -am verify -Dtest=WrangleBenchmarkRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbenchmark.rows=1000000 -DargLine=-Xmx256m \
 *     -Dbenchmark.s3.endpoint=http://127.0.0.1:9000 -Dbenchmark.s3.bucket=bench \
 *     -Dbenchmark.s3.accessKey=... -Dbenchmark.s3.secretKey=...
 * </pre>
 * Without {@code benchmark.s3.endpoint} the parts go to the test S3 server, which keeps them in this JVM's heap:
 * the rate holds, the heap figure then counts the server's copies too. The JSON line is in
 * {@code wrangle-step/target/surefire-reports/*WrangleBenchmarkRun-output.txt}.
 */
@EnabledIfSystemProperty(named = "benchmark.rows", matches = "\\d+")
class WrangleBenchmarkRun {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    @Test
    void wranglesNearTheCopyRateInBoundedHeap() throws Exception {
        long rows = Long.parseLong(System.getProperty("benchmark.rows"));
        int partRows = Integer.getInteger("benchmark.partRows", 100_000);
        SqlIdentifier guests = SqlIdentifier.of("guests");
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            ReferenceSchema.createGuestsTable(c, guests);
            WrangleBenchmark.loadCurrentGuests(c, guests, rows, 42);
            st.execute("VACUUM ANALYZE guests");
        }
        String endpoint = System.getProperty("benchmark.s3.endpoint");
        StorageSettings storage = endpoint == null
                ? new StorageSettings(
                        S3.bucket(),
                        S3.bucket(),
                        S3.region(),
                        Optional.of(S3.endpoint()),
                        Optional.of(new StorageSettings.AccessKeys(S3.accessKey(), S3.secretKey(), null)))
                : new StorageSettings(
                        System.getProperty("benchmark.s3.bucket"),
                        System.getProperty("benchmark.s3.bucket"),
                        System.getProperty("benchmark.s3.region", "us-east-1"),
                        Optional.of(URI.create(endpoint)),
                        Optional.of(new StorageSettings.AccessKeys(
                                System.getProperty("benchmark.s3.accessKey"),
                                System.getProperty("benchmark.s3.secretKey"),
                                null)));
        try (Database database = Database.connect(PG.jdbcUrl(), PG.user(), PG.password(), null, 2);
                ObjectStore store = ObjectStore.create(storage)) {
            WrangleBenchmark.Result result =
                    new WrangleBenchmark(database.dataSource(), guests, store, storage.inputBucket(), partRows).run();
            System.out.println(result.json());
            assertEquals(rows, result.rows());
        }
    }
}
