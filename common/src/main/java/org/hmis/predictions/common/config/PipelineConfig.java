package org.hmis.predictions.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of the pipeline, read from the environment in one place.
 *
 * <p>The original Python functions' names keep working ({@code RDS_HOST}, {@code RDS_USERNAME},
 * {@code RDS_USER_PWD}, {@code S3_BUCKET}, {@code S3_BUCKET_ORIGIN}, {@code S3_BUCKET_DESTINATION},
 * {@code MODEL_NAME}), so an existing deployment's settings carry over. Everything present is parsed
 * and checked when the configuration is loaded; what a function needs is then asked for with
 * {@link #database()} or {@link #storage()}, which fail naming the missing variable. Functions call
 * those at container start, so a bad setting fails the first invocation, not a later one half-way.
 */
public final class PipelineConfig {
    public static final String RDS_HOST = "RDS_HOST";
    public static final String RDS_PORT = "RDS_PORT";
    public static final String RDS_DB_NAME = "RDS_DB_NAME";
    public static final String RDS_USERNAME = "RDS_USERNAME";
    public static final String RDS_USER_PWD = "RDS_USER_PWD";
    public static final String DB_SECRET_ARN = "DB_SECRET_ARN";
    public static final String DB_SSL_MODE = "DB_SSL_MODE";
    public static final String DB_SSL_ROOT_CERT = "DB_SSL_ROOT_CERT";
    public static final String DB_POOL_SIZE = "DB_POOL_SIZE";
    public static final String GUESTS_TABLE = "GUESTS_TABLE";
    public static final String GUEST_PREDICTIONS_TABLE = "GUEST_PREDICTIONS_TABLE";
    public static final String S3_BUCKET = "S3_BUCKET";
    public static final String S3_BUCKET_ORIGIN = "S3_BUCKET_ORIGIN";
    public static final String S3_BUCKET_DESTINATION = "S3_BUCKET_DESTINATION";
    public static final String S3_ENDPOINT = "S3_ENDPOINT";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";
    public static final String MODEL_NAME = "MODEL_NAME";
    public static final String PART_ROWS = "PART_ROWS";
    public static final String MIGRATE = "MIGRATE";
    public static final String EXPLAIN = "EXPLAIN";
    public static final String CURRENT_GUEST_RISK_VIEW = "CURRENT_GUEST_RISK_VIEW";
    public static final String DRIFT_NIGHTS = "DRIFT_NIGHTS";
    public static final String FULL_REFRESH = "FULL_REFRESH";

    /** Every variable this class reads; the infra consistency tests compare the template against it. */
    public static final java.util.List<String> VARIABLES = java.util.List.of(
            RDS_HOST,
            RDS_PORT,
            RDS_DB_NAME,
            RDS_USERNAME,
            RDS_USER_PWD,
            DB_SECRET_ARN,
            DB_SSL_MODE,
            DB_SSL_ROOT_CERT,
            DB_POOL_SIZE,
            GUESTS_TABLE,
            GUEST_PREDICTIONS_TABLE,
            S3_BUCKET,
            S3_BUCKET_ORIGIN,
            S3_BUCKET_DESTINATION,
            S3_ENDPOINT,
            AWS_REGION,
            MODEL_NAME,
            PART_ROWS,
            MIGRATE,
            EXPLAIN,
            CURRENT_GUEST_RISK_VIEW,
            DRIFT_NIGHTS,
            FULL_REFRESH);

    public static final int DEFAULT_PORT = 5432;
    public static final String DEFAULT_DB_NAME = "postgres";
    public static final String DEFAULT_GUESTS_TABLE = "guests";
    public static final String DEFAULT_GUEST_PREDICTIONS_TABLE = "guest_predictions";
    public static final String DEFAULT_CURRENT_GUEST_RISK_VIEW = "current_guest_risk";
    public static final String DEFAULT_MODEL_NAME = "exit-destination";
    public static final String DEFAULT_REGION = "us-east-1";
    /**
     * Explanations are where predict's time goes: a default part is predicted and explained in a small share of the
     * predict function's timeout on one Lambda vCPU, so a retry costs little, while a run still needs few invocations
     * (docs/benchmarks.md has the measured rate; the template's PartRows bounds what the functions hold).
     */
    public static final int DEFAULT_PART_ROWS = 50_000;

    public static final int DEFAULT_POOL_SIZE = 2;
    /** Drift is measured on tonight's guests alone unless nights are pooled. */
    public static final int DEFAULT_DRIFT_NIGHTS = 1;
    /** A month of nights at most: a baseline outlives that rarely, and older nights say little about tonight. */
    public static final int MAX_DRIFT_NIGHTS = 31;

    private final Map<String, String> env;
    private final SqlIdentifier guestsTable;
    private final SqlIdentifier guestPredictionsTable;
    private final SqlIdentifier currentGuestRiskView;
    private final String modelName;
    private final int partRows;
    private final String region;
    private final Optional<URI> s3Endpoint;
    private final boolean migrate;
    private final boolean explain;
    private final int driftNights;
    private final boolean fullRefresh;

    private PipelineConfig(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.guestsTable = parseIdentifier(GUESTS_TABLE, DEFAULT_GUESTS_TABLE);
        this.guestPredictionsTable = parseIdentifier(GUEST_PREDICTIONS_TABLE, DEFAULT_GUEST_PREDICTIONS_TABLE);
        this.currentGuestRiskView = parseIdentifier(CURRENT_GUEST_RISK_VIEW, DEFAULT_CURRENT_GUEST_RISK_VIEW);
        this.modelName = parseModelName();
        this.partRows = parseInt(PART_ROWS, DEFAULT_PART_ROWS, 1, 10_000_000);
        this.region = value(AWS_REGION).orElse(DEFAULT_REGION);
        this.s3Endpoint = value(S3_ENDPOINT).map(PipelineConfig::parseEndpoint);
        this.migrate = parseBoolean(MIGRATE, false);
        this.explain = parseBoolean(EXPLAIN, true);
        this.driftNights = parseInt(DRIFT_NIGHTS, DEFAULT_DRIFT_NIGHTS, 1, MAX_DRIFT_NIGHTS);
        this.fullRefresh = parseBoolean(FULL_REFRESH, false);
        // Parse the optional database settings now so a malformed one is reported at start.
        parseInt(RDS_PORT, DEFAULT_PORT, 1, 65_535);
        value(RDS_HOST).ifPresent(host -> DatabaseSettings.checkHost(RDS_HOST, host));
        value(RDS_DB_NAME).ifPresent(name -> DatabaseSettings.checkDatabaseName(RDS_DB_NAME, name));
        parseInt(DB_POOL_SIZE, DEFAULT_POOL_SIZE, 1, 20);
        value(DB_SSL_MODE).ifPresent(PipelineConfig::checkSslMode);
        value(DB_SSL_ROOT_CERT).ifPresent(PipelineConfig::checkRootCert);
    }

    public static PipelineConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** For tests and the local runner, which configure the same steps without touching the process environment. */
    public static PipelineConfig from(Map<String, String> env) {
        return new PipelineConfig(Objects.requireNonNull(env, "env"));
    }

    /** The same settings with one variable set otherwise (the benchmarks compare a step with and without a setting). */
    public PipelineConfig with(String name, String value) {
        Map<String, String> changed = new HashMap<>(env);
        changed.put(name, value);
        return from(changed);
    }

    public SqlIdentifier guestsTable() {
        return guestsTable;
    }

    /** The pipeline's own table of each guest's latest prediction (V2 migration), {@code guest_predictions} by default. */
    public SqlIdentifier guestPredictionsTable() {
        return guestPredictionsTable;
    }

    /** The view of the current guests ranked by risk, with their reasons; the migrations create it under this name. */
    public SqlIdentifier currentGuestRiskView() {
        return currentGuestRiskView;
    }

    public String modelName() {
        return modelName;
    }

    public int partRows() {
        return partRows;
    }

    /** Whether remove-exited-predictions applies the pipeline schema's migrations before its run. */
    public boolean migrate() {
        return migrate;
    }

    /**
     * Whether predict explains each prediction (the reasons case workers read); on by default, off for very large
     * runs where the exact contributions cost more time than a part may take.
     */
    public boolean explain() {
        return explain;
    }

    /**
     * How many nights wrangle pools to measure drift: tonight's guests and the earlier nights' bin counts recorded
     * with their runs, against the same baseline; 1 is tonight alone.
     */
    public int driftNights() {
        return driftNights;
    }

    /**
     * Whether every run predicts every current guest again; off by default, when a run predicts only the guests whose
     * prediction would change (no prediction yet, another feature row, model or specification, or a value the intake
     * app overwrote) and carries the others over.
     */
    public boolean fullRefresh() {
        return fullRefresh;
    }

    /** How to reach the database; fails naming what is missing. */
    public DatabaseSettings database() {
        Optional<String> secretArn = value(DB_SECRET_ARN);
        Optional<String> sslRootCert = value(DB_SSL_ROOT_CERT);
        // An explicit DB_SSL_MODE always wins; without one, a CA bundle given means its certificate is checked.
        Optional<String> givenSslMode = value(DB_SSL_MODE);
        String sslMode = givenSslMode.orElseGet(() -> DatabaseSettings.sslModeFor(sslRootCert));
        int poolSize = parseInt(DB_POOL_SIZE, DEFAULT_POOL_SIZE, 1, 20);
        if (secretArn.isPresent()) {
            return new DatabaseSettings(
                    value(RDS_HOST),
                    parseInt(RDS_PORT, DEFAULT_PORT, 1, 65_535),
                    value(RDS_DB_NAME),
                    value(RDS_USERNAME),
                    value(RDS_USER_PWD),
                    secretArn,
                    sslMode,
                    givenSslMode.isPresent(),
                    sslRootCert,
                    poolSize);
        }
        return new DatabaseSettings(
                Optional.of(require(RDS_HOST, "the database host (or set " + DB_SECRET_ARN + ")")),
                parseInt(RDS_PORT, DEFAULT_PORT, 1, 65_535),
                value(RDS_DB_NAME),
                Optional.of(require(RDS_USERNAME, "the database user (or set " + DB_SECRET_ARN + ")")),
                Optional.of(password()),
                Optional.empty(),
                sslMode,
                givenSslMode.isPresent(),
                sslRootCert,
                poolSize);
    }

    /** Where objects live; fails naming the missing bucket variable. */
    public StorageSettings storage() {
        Optional<String> bucket = value(S3_BUCKET).map(b -> checkBucket(S3_BUCKET, b));
        Optional<String> origin = value(S3_BUCKET_ORIGIN).map(b -> checkBucket(S3_BUCKET_ORIGIN, b));
        Optional<String> destination = value(S3_BUCKET_DESTINATION).map(b -> checkBucket(S3_BUCKET_DESTINATION, b));
        if (bucket.isEmpty() && (origin.isEmpty() || destination.isEmpty())) {
            throw new ConfigurationException(S3_BUCKET + " is not set: name the data bucket (or set both "
                    + S3_BUCKET_ORIGIN + " and " + S3_BUCKET_DESTINATION + ")");
        }
        // The original read its inputs from the origin bucket and wrote results to the destination one.
        String input = origin.orElseGet(bucket::orElseThrow);
        String output = destination.orElseGet(bucket::orElseThrow);
        Optional<StorageSettings.AccessKeys> keys = value(AWS_ACCESS_KEY_ID)
                .map(id -> new StorageSettings.AccessKeys(
                        id,
                        require(AWS_SECRET_ACCESS_KEY, "the secret key that goes with " + AWS_ACCESS_KEY_ID),
                        value(AWS_SESSION_TOKEN).orElse(null)));
        return new StorageSettings(input, output, region, s3Endpoint, keys);
    }

    /** Set but empty is a valid password (a server that trusts local connections); unset is not. */
    private String password() {
        String password = env.get(RDS_USER_PWD);
        if (password == null) {
            throw new ConfigurationException(
                    RDS_USER_PWD + " is not set: the database password (or set " + DB_SECRET_ARN + ")");
        }
        return password;
    }

    private Optional<String> value(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private String require(String name, String what) {
        return value(name).orElseThrow(() -> new ConfigurationException(name + " is not set: " + what));
    }

    private int parseInt(String name, int defaultValue, int min, int max) {
        Optional<String> raw = value(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(raw.get());
            if (parsed < min || parsed > max) {
                throw new ConfigurationException(name + " must be between " + min + " and " + max + ", was " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number, was '" + raw.get() + "'");
        }
    }

    private boolean parseBoolean(String name, boolean defaultValue) {
        Optional<String> raw = value(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        if (raw.get().equalsIgnoreCase("false")) {
            return false;
        }
        if (raw.get().equalsIgnoreCase("true")) {
            return true;
        }
        throw new ConfigurationException(name + " must be true or false, was '" + raw.get() + "'");
    }

    private SqlIdentifier parseIdentifier(String name, String defaultValue) {
        String raw = value(name).orElse(defaultValue);
        try {
            return SqlIdentifier.of(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(name + " is not a valid table name: " + e.getMessage());
        }
    }

    private String parseModelName() {
        String name = value(MODEL_NAME).orElse(DEFAULT_MODEL_NAME);
        // The name becomes part of an S3 key: models/<name>/model.txt.
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new ConfigurationException(MODEL_NAME
                    + " must be letters, digits, '.', '_' or '-' (it names models/<name>/), was '" + name + "'");
        }
        return name;
    }

    private static String checkBucket(String name, String bucket) {
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new ConfigurationException(name + " is not a valid S3 bucket name: '" + bucket + "'");
        }
        return bucket;
    }

    private static URI parseEndpoint(String raw) {
        try {
            URI uri = new URI(raw);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new ConfigurationException(
                        S3_ENDPOINT + " must be an http(s) URL such as http://127.0.0.1:9000, was '" + raw + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException(S3_ENDPOINT + " is not a URL: '" + raw + "'");
        }
    }

    /** {@code classpath:<resource>}, {@code s3://<bucket>/<key>} or a file path (docs/architecture.md, TLS). */
    private static void checkRootCert(String location) {
        if (location.startsWith("classpath:") && location.length() > "classpath:".length()) {
            return;
        }
        if (location.startsWith("s3://")) {
            int slash = location.indexOf('/', "s3://".length());
            if (slash < 0 || slash == location.length() - 1) {
                throw new ConfigurationException(
                        DB_SSL_ROOT_CERT + " must name an object, s3://<bucket>/<key>, was '" + location + "'");
            }
            checkBucket(DB_SSL_ROOT_CERT, location.substring("s3://".length(), slash));
            return;
        }
        if (location.contains("://") || location.startsWith("classpath:")) {
            throw new ConfigurationException(DB_SSL_ROOT_CERT
                    + " must be classpath:<resource>, s3://<bucket>/<key> or a file path, was '" + location + "'");
        }
    }

    private static void checkSslMode(String mode) {
        if (!DatabaseSettings.SSL_MODES.contains(mode)) {
            throw new ConfigurationException(
                    DB_SSL_MODE + " must be one of " + DatabaseSettings.SSL_MODES + ", was '" + mode + "'");
        }
    }
}
