package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.ConfigurationException;
import org.hmis.predictions.common.config.DatabaseSettings;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.localservices.LocalPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code verify-full} against a real PostgreSQL serving TLS (embedded, with a certificate for 127.0.0.1 signed by a CA
 * made here with openssl): the CA bundle named by {@code DB_SSL_ROOT_CERT}, as a path, as an object of a real S3 API
 * or as a class path resource, lets the pool connect; another CA's bundle, or a host name the certificate does not
 * name, does not. Without {@code DB_SSL_MODE}, a bundle given makes the mode {@code verify-full}.
 */
class DatabaseTlsTest {
    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static LocalPostgres postgres;
    private static Path certificates;

    @BeforeAll
    static void startTls() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/openssl")) || System.getenv("CI") != null,
                "openssl makes the test's certificates");
        certificates = Files.createTempDirectory("db-tls-");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=test-ca",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=other-ca",
                "-keyout",
                "other.key",
                "-out",
                "other.crt");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr");
        Files.writeString(certificates.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "san.ext",
                "-out",
                "server.crt");
        postgres = LocalPostgres.start();
        Path data = postgres.directory().resolve("data");
        Files.copy(certificates.resolve("server.crt"), data.resolve("server.crt"));
        Files.copy(certificates.resolve("server.key"), data.resolve("server.key"));
        Files.setPosixFilePermissions(
                data.resolve("server.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (Connection c = DriverManager.getConnection(
                        postgres.jdbcUrl("postgres"), postgres.user(), postgres.password());
                Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET ssl = on");
            st.execute("SELECT pg_reload_conf()");
        }
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(certificates.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "openssl " + String.join(" ", args) + ": " + output);
    }

    private static DatabaseSettings settings(String host, String rootCert) {
        return settings(host, "verify-full", rootCert);
    }

    /** {@code sslMode} null leaves {@code DB_SSL_MODE} unset. */
    private static DatabaseSettings settings(String host, String sslMode, String rootCert) {
        Map<String, String> env = new HashMap<>();
        env.put(PipelineConfig.RDS_HOST, host);
        env.put(PipelineConfig.RDS_PORT, String.valueOf(postgres.port()));
        env.put(PipelineConfig.RDS_USERNAME, postgres.user());
        env.put(PipelineConfig.RDS_USER_PWD, postgres.password());
        if (sslMode != null) {
            env.put(PipelineConfig.DB_SSL_MODE, sslMode);
        }
        env.put(PipelineConfig.DB_SSL_ROOT_CERT, rootCert);
        env.put(PipelineConfig.DB_POOL_SIZE, "1");
        return PipelineConfig.from(env).database();
    }

    private static boolean encrypted(Database database) throws SQLException {
        try (Connection c = database.connection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void verifyFullConnectsWithTheBundleFromAPathOrFromS3() throws SQLException {
        String path = certificates.resolve("ca.crt").toString();
        try (Database database = Database.connect(settings("127.0.0.1", path))) {
            assertTrue(encrypted(database));
        }
        S3.s3Client()
                .putObject(
                        b -> b.bucket(S3.bucket()).key("certs/ca.pem"),
                        software.amazon.awssdk.core.sync.RequestBody.fromFile(certificates.resolve("ca.crt")));
        CaBundle.ObjectReader objects = (bucket, key) ->
                S3.s3Client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        try (Database database =
                Database.connect(settings("127.0.0.1", "s3://" + S3.bucket() + "/certs/ca.pem"), objects)) {
            assertTrue(encrypted(database));
        }
    }

    /**
     * {@code classpath:} is read through the class loader that loaded {@link CaBundle}; the CA made here is put, for
     * this test only, into the directory the test classes come from, which that loader's class path holds.
     */
    @Test
    void verifyFullConnectsWithTheBundleAsAClassPathResource() throws Exception {
        Path classes = Path.of(DatabaseTlsTest.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String resource = "db-tls-test/" + certificates.getFileName() + "-ca.pem";
        Path file = classes.resolve(resource);
        Files.createDirectories(file.getParent());
        Files.copy(certificates.resolve("ca.crt"), file);
        try {
            try (Database database = Database.connect(settings("127.0.0.1", "classpath:" + resource))) {
                assertTrue(encrypted(database));
            }
            try (Database leadingSlash = Database.connect(settings("127.0.0.1", "classpath:/" + resource))) {
                assertTrue(encrypted(leadingSlash));
            }
        } finally {
            Files.delete(file);
        }
    }

    /** With no {@code DB_SSL_MODE}, the bundle given is checked, and the host name with it: verify-full. */
    @Test
    void withoutAModeTheBundleGivenIsVerifiedWithTheHostName() throws SQLException {
        String ca = certificates.resolve("ca.crt").toString();
        DatabaseSettings verified = settings("127.0.0.1", null, ca);
        assertEquals("verify-full", verified.sslMode());
        try (Database database = Database.connect(verified)) {
            assertTrue(encrypted(database));
        }
        try (Database otherCa = Database.connect(
                settings("127.0.0.1", null, certificates.resolve("other.crt").toString()))) {
            assertRefusedAtOnce(otherCa, "127.0.0.1");
        }
        try (Database otherHost = Database.connect(settings("localhost", null, ca))) {
            assertRefusedAtOnce(otherHost, "localhost");
        }
        // An explicit mode wins over the bundle: require encrypts without checking, so another CA's bundle passes.
        try (Database required = Database.connect(settings(
                "127.0.0.1", "require", certificates.resolve("other.crt").toString()))) {
            assertTrue(encrypted(required));
        }
    }

    @Test
    void verifyFullRefusesAnotherCaAndAHostTheCertificateDoesNotName() {
        try (Database otherCa = Database.connect(
                settings("127.0.0.1", certificates.resolve("other.crt").toString()))) {
            assertRefusedAtOnce(otherCa, "127.0.0.1");
        }
        try (Database otherHost = Database.connect(
                settings("localhost", certificates.resolve("ca.crt").toString()))) {
            assertRefusedAtOnce(otherHost, "localhost");
        }
    }

    /** TLS that fails fails for good: said at once, naming the database, not after the pool's whole wait. */
    private static void assertRefusedAtOnce(Database database, String host) {
        long start = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, database::connection);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2_000, "refused after " + millis + " ms: " + e.getMessage());
        assertTrue(
                e.getMessage().startsWith("cannot connect to the database " + host + ":" + postgres.port() + "/"),
                e.getMessage());
    }

    @Test
    void aBundleThatCannotBeReadStopsTheStartNamingTheVariable() {
        ConfigurationException missing = assertThrows(
                ConfigurationException.class, () -> Database.connect(settings("127.0.0.1", "/no/such/ca.pem")));
        assertEquals("DB_SSL_ROOT_CERT: cannot read the file /no/such/ca.pem", missing.getMessage());
        ConfigurationException noS3 = assertThrows(
                ConfigurationException.class,
                () -> Database.connect(settings("127.0.0.1", "s3://" + S3.bucket() + "/certs/ca.pem")));
        assertTrue(noS3.getMessage().contains("has no S3 client"), noS3.getMessage());
        ConfigurationException notAResource = assertThrows(
                ConfigurationException.class,
                () -> Database.connect(settings("127.0.0.1", "classpath:certs/none.pem")));
        assertEquals("DB_SSL_ROOT_CERT: no resource certs/none.pem in the jar", notAResource.getMessage());
        assertThrows(
                ConfigurationException.class,
                () -> PipelineConfig.from(Map.of(PipelineConfig.DB_SSL_ROOT_CERT, "https://example.invalid/ca.pem")));
    }
}
