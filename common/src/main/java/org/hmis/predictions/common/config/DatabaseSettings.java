package org.hmis.predictions.common.config;

import java.util.List;
import java.util.Optional;

/**
 * How to reach PostgreSQL. With a secret ARN, the secret's {@code host, port, dbname, username, password}
 * fill what the variables leave out; variables set explicitly win, so one can point at a proxy. {@code sslRootCert}
 * names the CA bundle that {@code verify-ca} and {@code verify-full} check the server against: {@code classpath:...},
 * {@code s3://bucket/key} or a file path.
 */
public record DatabaseSettings(
        Optional<String> host,
        int port,
        Optional<String> databaseName,
        Optional<String> username,
        Optional<String> password,
        Optional<String> secretArn,
        String sslMode,
        Optional<String> sslRootCert,
        int poolSize) {

    /** Encrypted by default: RDS accepts TLS everywhere, and a guest list must not cross a network in clear. */
    public static final String DEFAULT_SSL_MODE = "require";

    public static final List<String> SSL_MODES =
            List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    @Override
    public String toString() {
        // Never print the password.
        return "DatabaseSettings[host=" + host.orElse("(from secret)") + ", port=" + port + ", db="
                + databaseName.orElse("(default)") + ", user=" + username.orElse("(from secret)")
                + ", secret=" + secretArn.isPresent() + ", sslmode=" + sslMode + ", sslrootcert="
                + sslRootCert.orElse("(driver default)") + ", pool=" + poolSize + "]";
    }
}
