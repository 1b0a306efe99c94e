package org.hmis.predictions.wrangle;

import java.io.IOException;
import org.hmis.predictions.common.drift.DriftCounts;
import org.hmis.predictions.common.features.GuestKey;

/**
 * Sets aside every row of a key that occurs more than once. The intake app's table need not have a unique index on
 * the key, and the pipeline cannot know which of two rows with one key is right, so all copies go to
 * {@code rejected.csv} with the reason {@value #REASON} and none to a part: the part stays one row per guest, which
 * update requires. Rows arrive in key order, so copies of a key are adjacent: one row is held back until the next
 * shows whether it repeats the key. The held row's features live in one of two arrays that swap roles.
 *
 * <p>A row whose prediction stands (its inputs are those that made it) is counted in drift like every current guest
 * but not written: it is carried over.
 */
final class DuplicateKeys {
    static final String REASON = "duplicate key";

    private final WrangledParts parts;
    private final RejectedRows rejected;
    private final DriftCounts drift;
    private double[] held;
    private double[] next;
    private double heldWeight;
    private GuestKey heldKey;
    private long heldRow;
    private String heldPersonalId;
    private String heldEnrollDate;
    private boolean heldRepeats;
    private boolean heldNeeded;
    private long duplicates;
    private long carriedOver;

    /**
     * @param drift counts every row written to a part, with the weight it came with; {@code null} when the model has
     *     no drift baseline
     */
    DuplicateKeys(WrangledParts parts, RejectedRows rejected, int features, DriftCounts drift) {
        this.parts = parts;
        this.rejected = rejected;
        this.drift = drift;
        this.held = new double[features];
        this.next = new double[features];
    }

    /** The array to encode the next row's features into, before {@link #add}. */
    double[] buffer() {
        return next;
    }

    /**
     * Takes the row just encoded into {@link #buffer()}.
     *
     * @param driftWeight what the row counts for in drift: one over its household's members under a household
     *     specification, else 1
     * @param needed whether the row needs a new prediction (written to a part) or its prediction stands
     */
    void add(GuestKey key, long row, String personalId, String enrollDate, double driftWeight, boolean needed)
            throws IOException {
        if (key.equals(heldKey)) {
            if (!heldRepeats) {
                rejected.add(heldRow, heldPersonalId, heldEnrollDate, REASON);
                duplicates++;
                heldRepeats = true;
            }
            rejected.add(row, personalId, enrollDate, REASON);
            duplicates++;
            return;
        }
        flush();
        double[] swap = held;
        held = next;
        next = swap;
        heldKey = key;
        heldRow = row;
        heldPersonalId = personalId;
        heldEnrollDate = enrollDate;
        heldWeight = driftWeight;
        heldNeeded = needed;
        heldRepeats = false;
    }

    /** Writes the row still held, unless its key repeated; call once after the last row. */
    void finish() throws IOException {
        flush();
        heldKey = null;
    }

    /** Rows set aside for a repeated key, every copy counted. */
    long duplicates() {
        return duplicates;
    }

    /** Current guests not written because their prediction stands. */
    long carriedOver() {
        return carriedOver;
    }

    private void flush() throws IOException {
        if (heldKey != null && !heldRepeats) {
            if (heldNeeded) {
                parts.write(heldKey, held);
            } else {
                carriedOver++;
            }
            if (drift != null) {
                drift.add(held, heldWeight);
            }
        }
    }
}
