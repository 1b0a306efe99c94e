package org.hmis.predictions.infra;

import static org.hmis.predictions.common.config.PipelineConfig.DB_POOL_SIZE;
import static org.hmis.predictions.common.config.PipelineConfig.DB_SECRET_ARN;
import static org.hmis.predictions.common.config.PipelineConfig.DB_SSL_MODE;
import static org.hmis.predictions.common.config.PipelineConfig.RDS_DB_NAME;
import static org.hmis.predictions.common.config.PipelineConfig.RDS_HOST;
import static org.hmis.predictions.common.config.PipelineConfig.RDS_PORT;
import static org.hmis.predictions.common.config.PipelineConfig.RDS_USERNAME;
import static org.hmis.predictions.common.config.PipelineConfig.RDS_USER_PWD;
import static org.hmis.predictions.common.config.PipelineConfig.S3_BUCKET;
import static org.hmis.predictions.common.config.PipelineConfig.S3_BUCKET_DESTINATION;
import static org.hmis.predictions.common.config.PipelineConfig.S3_BUCKET_ORIGIN;
import static org.hmis.predictions.common.config.PipelineConfig.S3_ENDPOINT;

import java.util.List;
import java.util.function.Consumer;
import org.hmis.predictions.common.config.PipelineConfig;

/**
 * A setting a step reads, the PipelineConfig variables that make it up, and how PipelineConfig is asked for it:
 * asking fails, naming the variable, when the environment lacks what the setting requires.
 */
@SuppressWarnings("ImmutableEnumChecker") // List.of and method references: nothing here changes
enum Setting {
    DATABASE(
            List.of(
                    RDS_HOST,
                    RDS_PORT,
                    RDS_DB_NAME,
                    RDS_USERNAME,
                    RDS_USER_PWD,
                    DB_SECRET_ARN,
                    DB_SSL_MODE,
                    PipelineConfig.DB_SSL_ROOT_CERT,
                    DB_POOL_SIZE),
            PipelineConfig::database),
    STORAGE(List.of(S3_BUCKET, S3_BUCKET_ORIGIN, S3_BUCKET_DESTINATION, S3_ENDPOINT), PipelineConfig::storage),
    GUESTS_TABLE(
            List.of(PipelineConfig.GUESTS_TABLE, PipelineConfig.GUEST_PREDICTIONS_TABLE), PipelineConfig::guestsTable),
    MODEL_NAME(List.of(PipelineConfig.MODEL_NAME), PipelineConfig::modelName),
    PART_ROWS(List.of(PipelineConfig.PART_ROWS), PipelineConfig::partRows),
    /** Whether to migrate, and the names only the migrations give (the view over the guests table). */
    MIGRATE(List.of(PipelineConfig.MIGRATE, PipelineConfig.CURRENT_GUEST_RISK_VIEW), PipelineConfig::migrate),
    EXPLAIN(List.of(PipelineConfig.EXPLAIN), PipelineConfig::explain),
    /** How many nights wrangle pools to measure drift (its default unless a deployment sets it). */
    DRIFT_NIGHTS(List.of(PipelineConfig.DRIFT_NIGHTS), PipelineConfig::driftNights),
    /** Whether every run predicts every current guest again. */
    FULL_REFRESH(List.of(PipelineConfig.FULL_REFRESH), PipelineConfig::fullRefresh);

    /** Set by Lambda itself in every function; a template may not set it. */
    static final List<String> SET_BY_LAMBDA = List.of(PipelineConfig.AWS_REGION);

    private final List<String> variables;
    private final Consumer<PipelineConfig> read;

    Setting(List<String> variables, Consumer<PipelineConfig> read) {
        this.variables = variables;
        this.read = read;
    }

    List<String> variables() {
        return variables;
    }

    /** Reads the setting as a step does; throws PipelineConfig's error when the environment lacks it. */
    void readFrom(PipelineConfig config) {
        read.accept(config);
    }
}
