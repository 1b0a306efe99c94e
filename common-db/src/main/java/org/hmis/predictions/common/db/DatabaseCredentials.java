package org.hmis.predictions.common.db;

/** Where and as whom to connect, resolved from the variables and, when configured, a Secrets Manager secret. */
public record DatabaseCredentials(String host, int port, String databaseName, String username, String password) {
    @Override
    public String toString() {
        return "DatabaseCredentials[" + username + "@" + host + ":" + port + "/" + databaseName + "]";
    }
}
