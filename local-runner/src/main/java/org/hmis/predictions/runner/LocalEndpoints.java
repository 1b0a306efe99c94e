package org.hmis.predictions.runner;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;

/**
 * The pipeline's environment for services running on this machine: the same variables a function
 * reads in Lambda, so the local runner configures the very same code paths.
 */
public final class LocalEndpoints {
    private LocalEndpoints() {}

    /** Variables for a PostgreSQL server given by JDBC URL and an S3-compatible server. */
    public static Map<String, String> environment(
            String jdbcUrl,
            String user,
            String password,
            URI s3Endpoint,
            String region,
            String accessKey,
            String secretKey,
            String bucket) {
        URI db = URI.create(jdbcUrl.substring("jdbc:".length()));
        if (db.getHost() == null || db.getPath() == null || db.getPath().length() < 2) {
            throw new IllegalArgumentException("'" + jdbcUrl + "' is not a jdbc:postgresql://host[:port]/database URL");
        }
        Map<String, String> env = new HashMap<>();
        env.put(PipelineConfig.RDS_HOST, db.getHost());
        env.put(PipelineConfig.RDS_PORT, String.valueOf(db.getPort() > 0 ? db.getPort() : PipelineConfig.DEFAULT_PORT));
        env.put(PipelineConfig.RDS_DB_NAME, db.getPath().substring(1));
        env.put(PipelineConfig.RDS_USERNAME, user);
        env.put(PipelineConfig.RDS_USER_PWD, password);
        // A server on this machine: nothing crosses a network.
        env.put(PipelineConfig.DB_SSL_MODE, "disable");
        env.put(PipelineConfig.S3_ENDPOINT, s3Endpoint.toString());
        env.put(PipelineConfig.AWS_REGION, region);
        env.put(PipelineConfig.AWS_ACCESS_KEY_ID, accessKey);
        env.put(PipelineConfig.AWS_SECRET_ACCESS_KEY, secretKey);
        env.put(PipelineConfig.S3_BUCKET, bucket);
        return env;
    }
}
