package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart priming hook sends nothing anywhere: the handler is built and primed against a database and an S3
 * endpoint where nothing listens (port 9 on this machine), so any connection, request or secret read would fail it.
 */
class WranglePrimingTest {
    @Test
    void primingNeedsNoServiceAndNoSecret() {
        WrangleHandler handler = new WrangleHandler(PipelineConfig.from(Map.of(
                PipelineConfig.DB_SECRET_ARN, "arn:aws:secretsmanager:us-east-1:123456789012:secret:never-read",
                PipelineConfig.RDS_HOST, "127.0.0.1",
                PipelineConfig.RDS_PORT, "9",
                PipelineConfig.S3_BUCKET, "priming-bucket",
                PipelineConfig.S3_ENDPOINT, "http://127.0.0.1:9",
                PipelineConfig.AWS_REGION, "us-east-1")));
        assertDoesNotThrow(() -> handler.priming.beforeCheckpoint(null));
        assertDoesNotThrow(() -> handler.priming.afterRestore(null));
    }
}
