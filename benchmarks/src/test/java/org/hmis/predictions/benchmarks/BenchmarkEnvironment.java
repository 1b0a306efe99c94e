package org.hmis.predictions.benchmarks;

import java.net.URI;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;

/** The functions' variables pointing at the test services, as a benchmark is configured in {@code bench}. */
final class BenchmarkEnvironment {
    private BenchmarkEnvironment() {}

    static Map<String, String> of(TestPostgres pg, TestS3 s3, Map<String, String> more) {
        URI db = URI.create(pg.jdbcUrl().substring("jdbc:".length()));
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                PipelineConfig.RDS_HOST, db.getHost(),
                PipelineConfig.RDS_PORT, String.valueOf(db.getPort()),
                PipelineConfig.RDS_DB_NAME, db.getPath().substring(1),
                PipelineConfig.RDS_USERNAME, pg.user(),
                PipelineConfig.RDS_USER_PWD, pg.password(),
                PipelineConfig.DB_SSL_MODE, "disable",
                PipelineConfig.S3_BUCKET, s3.bucket(),
                PipelineConfig.S3_ENDPOINT, s3.endpoint().toString(),
                PipelineConfig.AWS_REGION, s3.region(),
                PipelineConfig.AWS_ACCESS_KEY_ID, s3.accessKey()));
        env.put(PipelineConfig.AWS_SECRET_ACCESS_KEY, s3.secretKey());
        env.putAll(more);
        return env;
    }

    static PipelineConfig config(TestPostgres pg, TestS3 s3, Map<String, String> more) {
        return PipelineConfig.from(of(pg, s3, more));
    }
}
