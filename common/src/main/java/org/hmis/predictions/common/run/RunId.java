package org.hmis.predictions.common.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.YearMonth;
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
        checkTime(value);
    }

    /** The form lets through digits that name no time (month 13, 30 February, hour 24): each is refused by name. */
    private static void checkTime(String value) {
        int year = Integer.parseInt(value.substring(0, 4));
        int month = Integer.parseInt(value.substring(4, 6));
        int day = Integer.parseInt(value.substring(6, 8));
        int hour = Integer.parseInt(value.substring(9, 11));
        int minute = Integer.parseInt(value.substring(11, 13));
        int second = Integer.parseInt(value.substring(13, 15));
        String problem = null;
        if (month < 1 || month > 12) {
            problem = "month " + value.substring(4, 6) + " (a month is 01 to 12)";
        } else if (day < 1 || day > YearMonth.of(year, month).lengthOfMonth()) {
            problem = "day " + value.substring(6, 8) + " (" + YearMonth.of(year, month) + " has days 01 to "
                    + YearMonth.of(year, month).lengthOfMonth() + ")";
        } else if (hour > 23) {
            problem = "hour " + value.substring(9, 11) + " (an hour is 00 to 23)";
        } else if (minute > 59) {
            problem = "minute " + value.substring(11, 13) + " (a minute is 00 to 59)";
        } else if (second > 59) {
            problem = "second " + value.substring(13, 15) + " (a second is 00 to 59)";
        }
        if (problem != null) {
            throw new IllegalArgumentException(
                    "run id '" + value + "' names no UTC time: its timestamp has " + problem);
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
