package org.hmis.predictions.update;

import java.time.LocalDate;

/**
 * The guest keys {@code (personal_id, enroll_date)} seen so far in a part, each with the line it was first
 * seen on, so a repeated key is refused naming both lines. A key is packed into one {@code long} and kept
 * in an open-addressing table: about 12 bytes per row at most, so a part is streamed without holding its rows.
 */
final class GuestKeySet {
    private long[] keys;
    private int[] lines;
    private int size;

    GuestKeySet() {
        keys = new long[1 << 12];
        lines = new int[1 << 12];
    }

    /**
     * Adds the key seen on {@code line} (a line number of at least 1); returns 0 when the key is new, else the
     * line it was first seen on.
     */
    int add(int personalId, LocalDate enrollDate, long line) {
        if (line < 1 || line > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("line " + line + " is outside 1.." + Integer.MAX_VALUE);
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        long key = pack(personalId, enrollDate);
        int mask = keys.length - 1;
        int slot = slot(key, mask);
        while (lines[slot] != 0) {
            if (keys[slot] == key) {
                return lines[slot];
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        lines[slot] = (int) line;
        size++;
        return 0;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldLines = lines;
        keys = new long[oldKeys.length * 2];
        lines = new int[oldLines.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldLines[i] != 0) {
                int slot = slot(oldKeys[i], mask);
                while (lines[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                lines[slot] = oldLines[i];
            }
        }
    }

    private static long pack(int personalId, LocalDate enrollDate) {
        // The caller admits years 1..9999 only, whose epoch days fit in an int.
        return ((long) personalId << 32) | (Math.toIntExact(enrollDate.toEpochDay()) & 0xFFFF_FFFFL);
    }

    private static int slot(long key, int mask) {
        // Mix the bits (the MurmurHash3 finalizer) so consecutive ids and dates spread over the table.
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
