package org.hmis.predictions.runner;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.PipelineConfig;
import picocli.CommandLine;

/**
 * The value of {@code --jdbc-url}: one PostgreSQL database, {@code jdbc:postgresql://host[:port][/database]} with
 * the user, password, TLS mode and CA bundle as its parameters. Every command that takes the
 * option parses it here, so a malformed one gets the same message wherever it is given.
 *
 * @param text the URL as given, passed on to the code that creates databases on its server
 * @param host the host name or address, IPv6 without brackets
 * @param database the URL's database, {@code postgres} when it names none
 * @param sslMode the URL's TLS mode, else {@code prefer} (the driver's own default)
 */
record JdbcUrl(
        String text,
        String host,
        int port,
        String database,
        String user,
        String password,
        String sslMode,
        Optional<String> sslRootCert) {

    /** What a URL looks like, for messages. */
    static final String FORM = "jdbc:postgresql://host[:port]/database?user=name[&password=secret]";

    private static final String PREFIX = "jdbc:postgresql://";
    private static final List<String> PARAMETERS = List.of("user", "password", "sslmode", "sslrootcert");

    /** Parses {@code text}; the message of a malformed one says what is wrong and what a URL looks like. */
    static JdbcUrl parse(String text) {
        if (!text.startsWith(PREFIX)) {
            throw malformed(text, "is not a PostgreSQL JDBC URL");
        }
        URI uri;
        try {
            uri = new URI(text.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            throw malformed(text, "is not a URL (" + e.getReason() + ")");
        }
        if (uri.getHost() == null) {
            throw malformed(text, "names no host (one host name or address)");
        }
        if (uri.getUserInfo() != null) {
            throw malformed(text, "puts the user before the host (give it as ?user=name)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.indexOf('/', 1) > 0) {
            throw malformed(text, "names more than a database after the host");
        }
        Map<String, String> parameters = new HashMap<>();
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        for (String parameter : query.split("&", -1)) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (!PARAMETERS.contains(name)) {
                throw malformed(
                        text, "has the parameter '" + name + "'; it takes only " + String.join(", ", PARAMETERS));
            }
            parameters.put(
                    name, equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new JdbcUrl(
                text,
                host,
                uri.getPort() < 0 ? PipelineConfig.DEFAULT_PORT : uri.getPort(),
                path.length() > 1 ? path.substring(1) : PipelineConfig.DEFAULT_DB_NAME,
                parameters.getOrDefault("user", "postgres"),
                parameters.getOrDefault("password", ""),
                parameters.getOrDefault("sslmode", "prefer"),
                Optional.ofNullable(parameters.get("sslrootcert")));
    }

    /**
     * {@code environment} with this database in place of the one its variables name: the functions' own variables,
     * so the pool, its checks and its messages are the ones every command and function uses.
     */
    Map<String, String> environment(Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.remove(PipelineConfig.DB_SECRET_ARN);
        env.put(PipelineConfig.RDS_HOST, host);
        env.put(PipelineConfig.RDS_PORT, String.valueOf(port));
        env.put(PipelineConfig.RDS_DB_NAME, database);
        env.put(PipelineConfig.RDS_USERNAME, user);
        env.put(PipelineConfig.RDS_USER_PWD, password);
        env.put(PipelineConfig.DB_SSL_MODE, sslMode);
        sslRootCert.ifPresentOrElse(
                cert -> env.put(PipelineConfig.DB_SSL_ROOT_CERT, cert),
                () -> env.remove(PipelineConfig.DB_SSL_ROOT_CERT));
        return env;
    }

    @Override
    public String toString() {
        return redacted(text);
    }

    private static IllegalArgumentException malformed(String text, String problem) {
        return new IllegalArgumentException("'" + redacted(text) + "' " + problem + "; give " + FORM);
    }

    private static String redacted(String text) {
        return text.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** picocli's converter: a malformed URL is a usage error (exit 2) with the one message. */
    static final class Converter implements CommandLine.ITypeConverter<JdbcUrl> {
        @Override
        public JdbcUrl convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
