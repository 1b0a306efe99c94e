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
 * <p>{@code sslMode} is the one the pool uses: {@code DB_SSL_MODE} when it is set ({@code sslModeGiven}), else
 * {@link #sslModeFor}: {@code verify-full} when a CA bundle is given, {@code require} when none is. An RDS endpoint
 * reached with an unverified certificate the operator did not ask for is warned about ({@link #unverifiedWarning}).
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
        boolean sslModeGiven,
        Optional<String> sslRootCert,
        int poolSize) {

    /**
     * Without {@code DB_SSL_MODE} and without a CA bundle: encrypted, since RDS accepts TLS everywhere and a guest list
     * must not cross a network in clear, but not verified, since there is nothing to check the certificate against.
     */
    public static final String DEFAULT_SSL_MODE = "require";

    /** Without {@code DB_SSL_MODE} but with a CA bundle: the certificate is checked, and the host name it names. */
    public static final String VERIFIED_SSL_MODE = "verify-full";

    /** The host names of RDS instance, Aurora cluster and RDS Proxy endpoints, in the AWS and the China partitions. */
    private static final Pattern RDS_ENDPOINT = Pattern.compile("(?i).+\\.rds\\.amazonaws\\.com(?:\\.cn)?\\.?");

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
     * The sslmode when {@code DB_SSL_MODE} is not set: a CA bundle given is one to check the certificate against, so
     * {@value #VERIFIED_SSL_MODE}; without one {@value #DEFAULT_SSL_MODE} (no CA bundle ships with the functions).
     */
    public static String sslModeFor(Optional<String> sslRootCert) {
        return sslRootCert.isPresent() ? VERIFIED_SSL_MODE : DEFAULT_SSL_MODE;
    }

    /** Whether {@code host} is an RDS, Aurora or RDS Proxy endpoint: one whose certificate a CA bundle can verify. */
    public static boolean isRdsEndpoint(String host) {
        return RDS_ENDPOINT.matcher(host).matches();
    }

    /** An RDS Proxy presents a certificate from ACM, which the Amazon root CAs verify, not the RDS CA bundle. */
    private static boolean isRdsProxy(String host) {
        return host.toLowerCase(java.util.Locale.ROOT).contains(".proxy-");
    }

    /**
     * What to warn about when {@code host}, the host the pool connects to (from the variables or the secret), is an
     * RDS endpoint whose certificate goes unchecked because neither {@code DB_SSL_MODE} nor a CA bundle was given:
     * the connection is encrypted, but a server in the path could pose as the database.
     */
    public Optional<String> unverifiedWarning(String host) {
        if (sslModeGiven || sslRootCert.isPresent() || !isRdsEndpoint(host)) {
            return Optional.empty();
        }
        return Optional.of("the database " + host + " is an RDS endpoint, but its certificate is not checked (sslmode "
                + sslMode + "): set " + PipelineConfig.DB_SSL_ROOT_CERT + " to "
                + (isRdsProxy(host)
                        ? "a bundle of the Amazon root CAs (a proxy's certificate is ACM's)"
                        : "the RDS CA bundle")
                + ", which makes "
                + VERIFIED_SSL_MODE + " the default, or " + PipelineConfig.DB_SSL_MODE + "=" + sslMode
                + " to say that unverified TLS is meant");
    }

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
                + ", secret=" + secretArn.isPresent() + ", sslmode=" + sslMode + (sslModeGiven ? "" : " (default)")
                + ", sslrootcert="
                + sslRootCert.orElse("(driver default)") + ", pool=" + poolSize + "]";
    }
}
