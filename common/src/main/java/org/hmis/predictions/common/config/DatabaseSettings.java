package org.hmis.predictions.common.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach PostgreSQL. With a secret ARN, the secret's {@code host, port, dbname, username, password}
 * fill what the variables leave out; variables set explicitly win, so one can point at a proxy. {@code sslRootCert}
 * names the CA bundle that {@code verify-ca} and {@code verify-full} check the server against: {@code classpath:...},
 * {@code s3://bucket/key} or a file path.
 *
 * <p>Host, port and database name are data, never URL text: each is checked ({@link #checkHost}, {@link #checkPort},
 * {@link #checkDatabaseName}) wherever it comes from, and the pool hands them, and every TLS setting, to the driver
 * as its properties, so no value can carry another setting (a name {@code db?sslmode=disable} would).
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

    /** A DNS name: dot-separated labels of letters, digits and inner hyphens. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private static final Pattern IPV4 =
            Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    /** What an IPv6 address is written with; {@link #checkHost} then parses it. */
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("\\[?[0-9A-Fa-f:.]+]?");

    /** What would make a database name into URL syntax, and what the server would not take in a name. */
    private static final Pattern NAME_FORBIDDEN = Pattern.compile("[?&/=\\\\\\p{Cntrl}]");

    /**
     * Returns {@code host} when it is a host name or an IP address (IPv6 with or without brackets), else fails naming
     * {@code source}: the variable or the secret's field it came from.
     */
    public static String checkHost(String source, String host) {
        boolean ok = IPV4.matcher(host).matches()
                || (!host.matches("[0-9.]+") && HOST_NAME.matcher(host).matches())
                || (host.contains(":") && IPV6_CHARACTERS.matcher(host).matches() && isIpv6(host));
        if (!ok) {
            throw new ConfigurationException(source + " must be a host name or an IP address, was '" + host + "'");
        }
        return host;
    }

    /** Returns {@code port} when it is 1 to 65535, else fails naming {@code source}. */
    public static int checkPort(String source, int port) {
        if (port < 1 || port > 65_535) {
            throw new ConfigurationException(source + " must be a port, 1 to 65535, was " + port);
        }
        return port;
    }

    /** Returns {@code name} when it holds none of {@code ? & / = \} nor a control character, else fails naming {@code source}. */
    public static String checkDatabaseName(String source, String name) {
        if (name.isEmpty() || NAME_FORBIDDEN.matcher(name).find()) {
            throw new ConfigurationException(source + " must be a database name without ?, &, /, =, \\ or control"
                    + " characters, was '" + name + "'");
        }
        return name;
    }

    private static boolean isIpv6(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.contains("[") || bare.contains("]")) {
            return false;
        }
        try {
            // In brackets the JDK parses it as an IPv6 literal and never looks it up.
            return java.net.InetAddress.getByName("[" + bare + "]") instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        // Never print the password.
        return "DatabaseSettings[host=" + host.orElse("(from secret)") + ", port=" + port + ", db="
                + databaseName.orElse("(default)") + ", user=" + username.orElse("(from secret)")
                + ", secret=" + secretArn.isPresent() + ", sslmode=" + sslMode + ", sslrootcert="
                + sslRootCert.orElse("(driver default)") + ", pool=" + poolSize + "]";
    }
}
