package org.hmis.predictions.common.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A run's id: a sortable UTC timestamp plus a short random suffix, e.g. {@code 20261123T101500Z-3f9a}.
 * The timestamp says when the id was made, not when the run read the guests: runs are ordered by the start the
 * database records for them ({@code prediction_runs}), never by their ids.
 */
public record RunId(String value) implements Comparable<RunId> {
    private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{4}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    public RunId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("run id '" + value + "' is not of the form 20261123T101500Z-3f9a");
        }
    }

    public static RunId parse(String value) {
        return new RunId(value);
    }

    public static RunId newAt(Instant now) {
        byte[] suffix = new byte[2];
        RANDOM.nextBytes(suffix);
        return new RunId(STAMP.format(now.truncatedTo(ChronoUnit.SECONDS)) + "-"
                + HexFormat.of().formatHex(suffix));
    }

    public static RunId newRun() {
        return newAt(Instant.now());
    }

    /**
     * The run of one scheduled invocation: the schedule's time, and a suffix that is the first two bytes of
     * SHA-256 over {@code "exit-destination-refresh/<purpose>/<scheduledTime in ISO-8601>"}. Every delivery and
     * retry of one night's schedule gets the same id, so they find the run they started; {@code purpose} (the step,
     * e.g. {@code wrangle}) keeps two schedules due at the same time apart.
     */
    public static RunId forSchedule(Instant scheduledTime, String purpose) {
        Instant second = scheduledTime.truncatedTo(ChronoUnit.SECONDS);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("exit-destination-refresh/" + purpose + "/" + second).getBytes(StandardCharsets.UTF_8));
            return new RunId(STAMP.format(second) + "-" + HexFormat.of().formatHex(hash, 0, 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The time the id names (when it was made, or the schedule's time): not the run's recorded start. */
    public Instant stamp() {
        return Instant.from(STAMP.parse(value.substring(0, 16)));
    }

    @Override
    public int compareTo(RunId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
