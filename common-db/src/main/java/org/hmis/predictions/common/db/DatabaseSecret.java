package org.hmis.predictions.common.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.DatabaseSettings;
import org.hmis.predictions.common.config.PipelineConfig;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Resolves database credentials: the usual RDS secret ({@code host, port, dbname, username, password})
 * from Secrets Manager when {@code DB_SECRET_ARN} is set, with any variable set explicitly taking
 * precedence; otherwise the variables alone.
 */
public final class DatabaseSecret {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatabaseSecret() {}

    public static DatabaseCredentials resolve(DatabaseSettings settings) {
        if (settings.secretArn().isEmpty()) {
            return new DatabaseCredentials(
                    settings.host().orElseThrow(),
                    settings.port(),
                    settings.databaseName().orElse(PipelineConfig.DEFAULT_DB_NAME),
                    settings.username().orElseThrow(),
                    settings.password().orElseThrow());
        }
        String arn = settings.secretArn().get();
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            return fromSecretJson(client.getSecretValue(b -> b.secretId(arn)).secretString(), settings);
        }
    }

    static DatabaseCredentials fromSecretJson(String secretJson, DatabaseSettings settings) {
        JsonNode secret;
        try {
            secret = JSON.readTree(secretJson);
        } catch (java.io.IOException e) {
            throw new ConfigurationException(PipelineConfig.DB_SECRET_ARN + " names a secret that is not JSON");
        }
        String host =
                settings.host().orElseGet(() -> DatabaseSettings.checkHost(secretField("host"), field(secret, "host")));
        int port = secret.hasNonNull("port") && settings.port() == PipelineConfig.DEFAULT_PORT
                ? port(secret.get("port"))
                : settings.port();
        String db = settings.databaseName()
                .or(() -> Optional.ofNullable(text(secret, "dbname"))
                        .map(name -> DatabaseSettings.checkDatabaseName(secretField("dbname"), name)))
                .orElse(PipelineConfig.DEFAULT_DB_NAME);
        String user = settings.username().orElseGet(() -> field(secret, "username"));
        String password = settings.password().orElseGet(() -> field(secret, "password"));
        return new DatabaseCredentials(host, port, db, user, password);
    }

    /** How an error names a field of the secret. */
    private static String secretField(String name) {
        return "the secret named by " + PipelineConfig.DB_SECRET_ARN + ": its '" + name + "' field";
    }

    /** The secret's port, a number or a numeric string (both are seen), checked as RDS_PORT is. */
    private static int port(JsonNode port) {
        String text = port.asText().trim();
        if (!(port.isIntegralNumber() || port.isTextual()) || !text.matches("\\d{1,5}")) {
            throw new ConfigurationException(secretField("port") + " must be a port, 1 to 65535, was '" + text + "'");
        }
        return DatabaseSettings.checkPort(secretField("port"), Integer.parseInt(text));
    }

    private static String field(JsonNode secret, String name) {
        String value = text(secret, name);
        if (value == null) {
            throw new ConfigurationException(
                    "the secret named by " + PipelineConfig.DB_SECRET_ARN + " has no '" + name + "' field");
        }
        return value;
    }

    private static String text(JsonNode secret, String name) {
        JsonNode node = secret.get(name);
        return node == null || node.isNull() || node.asText().isBlank() ? null : node.asText();
    }
}
