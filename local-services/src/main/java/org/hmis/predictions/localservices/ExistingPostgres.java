package org.hmis.predictions.localservices;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL server that is already running, named by {@code TEST_JDBC_URL} (system property or environment
 * variable), e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}. The URL's database is the
 * maintenance database; the user comes from {@code TEST_JDBC_USER}, else the URL, else {@code postgres}; the
 * password from {@code TEST_JDBC_PASSWORD}, else the URL, else none.
 */
public final class ExistingPostgres implements PostgresServer {
    static final String URL_SETTING = "TEST_JDBC_URL";
    static final String USER_SETTING = "TEST_JDBC_USER";
    static final String PASSWORD_SETTING = "TEST_JDBC_PASSWORD";
    private static final String PREFIX = "jdbc:postgresql://";

    private final String hosts;
    private final String maintenanceDatabase;
    private final String otherParameters;
    private final String user;
    private final String password;

    private ExistingPostgres(
            String hosts, String maintenanceDatabase, String otherParameters, String user, String password) {
        this.hosts = hosts;
        this.maintenanceDatabase = maintenanceDatabase;
        this.otherParameters = otherParameters;
        this.user = user;
        this.password = password;
    }

    static Optional<ExistingPostgres> fromSettings() {
        return Settings.get(URL_SETTING)
                .map(url -> parse(url, Settings.get(USER_SETTING), Settings.get(PASSWORD_SETTING)));
    }

    /** The server a JDBC URL names (the local runner's {@code --jdbc-url}); credentials from the URL. */
    public static ExistingPostgres at(String url) {
        return parse(url, Optional.empty(), Optional.empty());
    }

    static ExistingPostgres parse(String url, Optional<String> user, Optional<String> password) {
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException(URL_SETTING + " must look like " + PREFIX
                    + "host:port/database?user=name, not '" + redacted(url) + "'");
        }
        String rest = url.substring(PREFIX.length());
        int queryStart = rest.indexOf('?');
        String address = queryStart < 0 ? rest : rest.substring(0, queryStart);
        String query = queryStart < 0 ? "" : rest.substring(queryStart + 1);
        int slash = address.indexOf('/');
        String hosts = slash < 0 ? address : address.substring(0, slash);
        String database = slash < 0 || slash == address.length() - 1 ? "postgres" : address.substring(slash + 1);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException(URL_SETTING + " names no host: '" + redacted(url) + "'");
        }

        Map<String, String> credentials = new HashMap<>();
        List<String> others = new ArrayList<>();
        for (String parameter : query.split("&", -1)) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
            if (name.equals("user") || name.equals("password")) {
                credentials.put(name, value);
            } else {
                others.add(parameter);
            }
        }
        return new ExistingPostgres(
                hosts,
                database,
                String.join("&", others),
                user.or(() -> Optional.ofNullable(credentials.get("user"))).orElse("postgres"),
                password.or(() -> Optional.ofNullable(credentials.get("password")))
                        .orElse(""));
    }

    private static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String jdbcUrl(String database) {
        return PREFIX + hosts + "/" + database + (otherParameters.isEmpty() ? "" : "?" + otherParameters);
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String maintenanceDatabase() {
        return maintenanceDatabase;
    }

    @Override
    public String toString() {
        return "existing PostgreSQL at " + hosts + " (" + URL_SETTING + ")";
    }
}
