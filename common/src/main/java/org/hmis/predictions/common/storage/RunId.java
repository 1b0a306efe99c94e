package org.hmis.predictions.common.storage;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A run's id: a sortable UTC timestamp plus a short random suffix, e.g. {@code 20261123T101500Z-3f9a}.
 * Ids compare as strings in time order, so a later id is a newer run.
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

    public Instant startedAt() {
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
