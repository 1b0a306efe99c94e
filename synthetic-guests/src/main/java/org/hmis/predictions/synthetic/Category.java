package org.hmis.predictions.synthetic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A column's values with their relative weights; a {@code null} value stands for SQL NULL. Picking draws one
 * int and looks the value up in a table with one slot per unit of weight (weights are small counts). Each value
 * is escaped once, here, for both output formats, so writing a row only copies bytes.
 */
final class Category {

    private static final int MAX_TOTAL_WEIGHT = 1 << 16;

    private final String[] values;
    private final byte[] valueOfSlot;
    private final Map<GuestGenerator.Format, byte[][]> encoded = new EnumMap<>(GuestGenerator.Format.class);

    Category(String[] values, int[] weights) {
        if (values.length != weights.length || values.length == 0) {
            throw new IllegalArgumentException(values.length + " values but " + weights.length + " weights");
        }
        if (values.length > Byte.MAX_VALUE) {
            throw new IllegalArgumentException(values.length + " values; at most " + Byte.MAX_VALUE);
        }
        this.values = values.clone();
        int total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0 || weights[i] > MAX_TOTAL_WEIGHT) {
                throw new IllegalArgumentException(
                        "weight " + weights[i] + " for '" + values[i] + "' is not in 0.." + MAX_TOTAL_WEIGHT);
            }
            total += weights[i];
        }
        if (total == 0 || total > MAX_TOTAL_WEIGHT) {
            throw new IllegalArgumentException("weights add up to " + total + "; expected 1.." + MAX_TOTAL_WEIGHT);
        }
        this.valueOfSlot = new byte[total];
        for (int i = 0, slot = 0; i < weights.length; i++) {
            Arrays.fill(valueOfSlot, slot, slot + weights[i], (byte) i);
            slot += weights[i];
        }
        for (GuestGenerator.Format format : GuestGenerator.Format.values()) {
            byte[][] escaped = new byte[values.length][];
            for (int i = 0; i < values.length; i++) {
                escaped[i] = values[i] == null ? null : format.escape(values[i]).getBytes(StandardCharsets.UTF_8);
            }
            encoded.put(format, escaped);
        }
    }

    /** A category whose values are equally likely. */
    static Category uniform(String... values) {
        int[] weights = new int[values.length];
        Arrays.fill(weights, 1);
        return new Category(values, weights);
    }

    /** A value's index, each with probability weight / total (multiply-shift: bias below total / 2^32). */
    int pick(SplittableRandom rng) {
        long r = rng.nextInt() & 0xFFFF_FFFFL;
        return valueOfSlot[(int) ((r * valueOfSlot.length) >>> 32)];
    }

    String value(int index) {
        return values[index];
    }

    int size() {
        return values.length;
    }

    int indexOf(String value) {
        for (int i = 0; i < values.length; i++) {
            if (value.equals(values[i])) {
                return i;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of this category's values");
    }

    /** The escaped value in UTF-8, or {@code null} for SQL NULL. */
    byte[] encoded(GuestGenerator.Format format, int index) {
        return encoded.get(format)[index];
    }
}
