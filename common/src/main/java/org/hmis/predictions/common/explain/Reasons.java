package org.hmis.predictions.common.explain;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;

/**
 * Why a guest's chance of permanent housing is what it is, from the exact per-feature contributions to the
 * {@code perm} class's raw score: the {@value #DOWN} features that push it down the most (the largest negative
 * contributions) and the {@value #UP} that pushes it up the most (the largest positive one), each with the guest's
 * value and the catalog's text. A feature that contributes nothing is never a reason; among equal contributions the
 * feature standing first in the model wins.
 *
 * <p>The JSON written is {@code {"down":[reason...],"up":[reason...]}}, a reason being
 * {@code {"feature":"earned_income","value":0,"contribution":-0.412,"text":"no earned income at entry"}} with
 * {@code value} null when missing; {@code down} is ordered from the strongest push down. Not thread-safe: one per
 * thread.
 */
public final class Reasons {
    /** Reasons that push the chance of permanent housing down. */
    public static final int DOWN = 3;
    /** Reasons that push it up. */
    public static final int UP = 1;

    private final List<String> features;
    private final ReasonCatalog catalog;
    private final int[] down = new int[DOWN];
    private final JsonStringEncoder quote = JsonStringEncoder.getInstance();

    /** {@code features} in the model's column order; the catalog must have a text for each. */
    public Reasons(List<String> features, ReasonCatalog catalog) {
        catalog.requireCovers(features);
        this.features = List.copyOf(features);
        this.catalog = catalog.copy();
    }

    /**
     * Appends one guest's reasons as JSON.
     *
     * @param values the guest's features, starting at {@code valueOffset}
     * @param contributions the features' contributions to the {@code perm} class, starting at
     *     {@code contributionOffset}, in the same order
     */
    public void appendJson(
            double[] values, int valueOffset, double[] contributions, int contributionOffset, StringBuilder out) {
        int found = 0;
        int up = -1;
        for (int f = 0; f < features.size(); f++) {
            double c = contributions[contributionOffset + f];
            if (c < 0) {
                found = insertDown(f, c, found, contributions, contributionOffset);
            } else if (c > 0 && (up < 0 || c > contributions[contributionOffset + up])) {
                up = f;
            }
        }
        out.append("{\"down\":[");
        for (int i = 0; i < found; i++) {
            if (i > 0) {
                out.append(',');
            }
            appendReason(down[i], values[valueOffset + down[i]], contributions[contributionOffset + down[i]], out);
        }
        out.append("],\"up\":[");
        if (up >= 0) {
            appendReason(up, values[valueOffset + up], contributions[contributionOffset + up], out);
        }
        out.append("]}");
    }

    /** Keeps {@link #down} the most negative so far, strongest first; returns how many it holds. */
    private int insertDown(int feature, double c, int found, double[] contributions, int offset) {
        int at = found;
        while (at > 0 && c < contributions[offset + down[at - 1]]) {
            at--;
        }
        if (at >= DOWN) {
            return found;
        }
        int kept = Math.min(found + 1, DOWN);
        for (int i = kept - 1; i > at; i--) {
            down[i] = down[i - 1];
        }
        down[at] = feature;
        return kept;
    }

    private void appendReason(int feature, double value, double contribution, StringBuilder out) {
        out.append("{\"feature\":\"").append(features.get(feature)).append("\",\"value\":");
        if (Double.isNaN(value)) {
            out.append("null");
        } else {
            out.append(value);
        }
        out.append(",\"contribution\":").append(contribution).append(",\"text\":\"");
        quote.quoteAsString(catalog.text(features.get(feature), value), out);
        out.append("\"}");
    }
}
