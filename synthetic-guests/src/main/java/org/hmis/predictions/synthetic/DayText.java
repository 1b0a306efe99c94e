package org.hmis.predictions.synthetic;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Dates as epoch days, with their text (ASCII bytes) and calendar fields precomputed for every day the generator can
 * produce, so that writing a date or working out an age allocates nothing.
 */
final class DayText {

    private final int firstDay;
    private final byte[][] iso;
    private final byte[][] us;
    private final int[] year;
    private final int[] monthDay;

    DayText(int firstDay, int lastDay) {
        this.firstDay = firstDay;
        int n = lastDay - firstDay + 1;
        iso = new byte[n][];
        us = new byte[n][];
        year = new int[n];
        monthDay = new int[n];
        for (int i = 0; i < n; i++) {
            LocalDate d = LocalDate.ofEpochDay(firstDay + (long) i);
            iso[i] = d.toString().getBytes(StandardCharsets.US_ASCII);
            us[i] = new byte[] {
                iso[i][5], iso[i][6], '/', iso[i][8], iso[i][9], '/', iso[i][0], iso[i][1], iso[i][2], iso[i][3]
            };
            year[i] = d.getYear();
            monthDay[i] = d.getMonthValue() * 100 + d.getDayOfMonth();
        }
    }

    /** {@code YYYY-MM-DD}, as COPY and CSV take a DATE. */
    byte[] iso(int day) {
        return iso[day - firstDay];
    }

    /** {@code MM/DD/YYYY}, as the export writes dates inside text columns. */
    byte[] us(int day) {
        return us[day - firstDay];
    }

    /** Completed years from {@code birthDay} to {@code day}. */
    int age(int birthDay, int day) {
        int b = birthDay - firstDay;
        int d = day - firstDay;
        return year[d] - year[b] - (monthDay[d] < monthDay[b] ? 1 : 0);
    }
}
