package org.hmis.predictions.common.drift;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one night measured against a {@link DriftBaseline}: per feature, the households in each of its categories
 * (the bins, then missing), and how many households that is. Under a household specification each household counts
 * once; under a guest specification the guests' counts are scaled to the households, so every feature's counts add
 * up to {@code households} either way. The run keeps it, so later nights can pool it ({@link #pooled}).
 *
 * @param households the households measured, what the drift test's certainty rests on
 * @param counts per feature in the baseline's order, the households in each category
 */
public record DriftSample(
        @JsonProperty("households") double households,
        @JsonProperty("counts") Map<String, List<Double>> counts) {

    public DriftSample {
        if (!(households > 0)) {
            throw new IllegalArgumentException("a drift sample needs households, found " + households);
        }
        if (counts == null || counts.isEmpty()) {
            throw new IllegalArgumentException("a drift sample has no counts");
        }
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        counts.forEach((feature, categories) -> copy.put(feature, List.copyOf(categories)));
        counts = Collections.unmodifiableMap(copy);
    }

    /** The feature's counts per category; fails naming the feature when it has none. */
    public double[] counts(String feature) {
        List<Double> categories = counts.get(feature);
        if (categories == null) {
            throw new IllegalArgumentException("the drift sample has no counts of " + feature);
        }
        return categories.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Several nights as one sample: their counts added, then scaled down to the largest night's households. A
     * shelter's guests stay many nights, so pooled nights are largely the same households: pooling steadies the
     * shares against one night's comings and goings, but counting a household once per night would claim a
     * certainty the nights do not give.
     *
     * @throws IllegalArgumentException when the nights do not count the same features in the same categories
     */
    public static DriftSample pooled(List<DriftSample> nights) {
        if (nights.isEmpty()) {
            throw new IllegalArgumentException("no nights to pool");
        }
        DriftSample first = nights.get(0);
        double total = 0;
        double largest = 0;
        for (DriftSample night : nights) {
            total += night.households();
            largest = Math.max(largest, night.households());
        }
        Map<String, List<Double>> pooled = new LinkedHashMap<>();
        for (String feature : first.counts().keySet()) {
            double[] sum = new double[first.counts().get(feature).size()];
            for (DriftSample night : nights) {
                double[] counts = night.counts(feature);
                if (counts.length != sum.length
                        || night.counts().size() != first.counts().size()) {
                    throw new IllegalArgumentException(
                            "nights counted in different categories (" + feature + "): not one baseline's");
                }
                for (int c = 0; c < sum.length; c++) {
                    sum[c] += counts[c];
                }
            }
            List<Double> scaled = new ArrayList<>(sum.length);
            for (double count : sum) {
                scaled.add(count * largest / total);
            }
            pooled.put(feature, scaled);
        }
        return new DriftSample(largest, pooled);
    }
}
