package org.hmis.predictions.runner;

import java.util.Map;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.DatabaseSettings;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;

/** {@code --jdbc-url}, else the database the environment configures (the functions' own variables). */
final class DatabaseOption {
    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = JdbcUrl.Converter.class,
            description = "The PostgreSQL database to use, e.g. jdbc:postgresql://127.0.0.1:5432/shelter?user=postgres"
                    + " (also password=, sslmode= (default prefer), sslrootcert=); default: RDS_HOST, RDS_PORT, "
                    + "RDS_DB_NAME, RDS_USERNAME, RDS_USER_PWD or DB_SECRET_ARN, as the functions read them.")
    JdbcUrl jdbcUrl;

    /** The configuration of {@code environment} with this option's database; see {@link #config(Map, JdbcUrl)}. */
    PipelineConfig config(Map<String, String> environment) {
        return config(environment, jdbcUrl);
    }

    /**
     * The configuration of {@code environment}, with {@code jdbcUrl}'s database in place of its variables' when given,
     * checked before anything connects: a missing variable is named together with {@code --jdbc-url}, and a secret
     * needs a region to be read from.
     */
    static PipelineConfig config(Map<String, String> environment, JdbcUrl jdbcUrl) {
        PipelineConfig config = PipelineConfig.from(jdbcUrl == null ? environment : jdbcUrl.environment(environment));
        DatabaseSettings settings;
        try {
            settings = config.database();
        } catch (ConfigurationException e) {
            throw new ConfigurationException(e.getMessage() + "; or give --jdbc-url " + JdbcUrl.FORM);
        }
        settings.secretArn().ifPresent(arn -> requireRegion(environment, arn));
        return config;
    }

    static Database connect(PipelineConfig config) {
        return Database.connect(config.database());
    }

    /**
     * Secrets Manager is regional: without AWS_REGION (or a region in the AWS profile) the SDK would try every place a
     * region may come from, the instance metadata service included, and then list them all.
     */
    private static void requireRegion(Map<String, String> environment, String secretArn) {
        String region = environment.get(PipelineConfig.AWS_REGION);
        if ((region != null && !region.isBlank()) || System.getProperty("aws.region") != null) {
            return;
        }
        try {
            new AwsProfileRegionProvider().getRegion();
            return;
        } catch (SdkClientException noProfileRegion) {
            // neither the variable nor the profile: say which variable to set
        }
        String[] arn = secretArn.split(":", -1);
        String example = arn.length > 3 && !arn[3].isEmpty() ? arn[3] + " (the secret's, from its ARN)" : "us-east-1";
        throw new ConfigurationException(PipelineConfig.DB_SECRET_ARN + " needs " + PipelineConfig.AWS_REGION
                + ": the secret is read from Secrets Manager in that region; set it, e.g. AWS_REGION=" + example);
    }
}
