package org.hmis.predictions.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.model.ModelManifest;

/**
 * How well the risk model ranks held-out households by their risk of not reaching permanent housing, in
 * {@code metrics.household_risk} of {@code model.json}.
 *
 * <p>A household's risk is its row's for a household specification (one row per household); for a guest
 * specification it is the mean of its members' risks, and it did not reach permanent housing when more than half of
 * its members did not (the generator's households leave together, to one destination).
 *
 * @param auc the area under the ROC curve: the chance that a household that did not reach permanent housing has a
 *     higher risk than one that did, ties counting half
 * @param precisionTop10pct among the tenth of households with the highest risk (at least one), the share that did not
 *     reach permanent housing
 * @param households held-out households measured
 */
public record HouseholdRisk(
        @JsonProperty("auc") double auc,
        @JsonProperty("precision_top_10pct") double precisionTop10pct,
        @JsonProperty("households") int households) {

    /** The field of {@code metrics} that holds these figures. */
    public static final String KEY = "household_risk";

    private static final double TOP_SHARE = 0.1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Measures the risks of held-out rows.
     *
     * @param risk each row's risk of not reaching permanent housing
     * @param notPermanent whether each row did not reach permanent housing
     * @param households each row's household, or {@code null} when every row is a household of its own
     * @throws IllegalArgumentException when the arrays differ in length, or the households all reached permanent
     *     housing or none did (the AUC is then undefined)
     */
    static HouseholdRisk measure(double[] risk, boolean[] notPermanent, long[] households) {
        if (notPermanent.length != risk.length || (households != null && households.length != risk.length)) {
            throw new IllegalArgumentException("risks, outcomes and households of unequal lengths");
        }
        double[] householdRisk;
        boolean[] householdNotPermanent;
        if (households == null) {
            householdRisk = risk;
            householdNotPermanent = notPermanent;
        } else {
            Map<Long, Integer> index = new HashMap<>();
            for (long household : households) {
                index.putIfAbsent(household, index.size());
            }
            double[] sum = new double[index.size()];
            int[] members = new int[index.size()];
            int[] notPermanentMembers = new int[index.size()];
            for (int row = 0; row < risk.length; row++) {
                int h = index.get(households[row]);
                sum[h] += risk[row];
                members[h]++;
                notPermanentMembers[h] += notPermanent[row] ? 1 : 0;
            }
            householdRisk = new double[sum.length];
            householdNotPermanent = new boolean[sum.length];
            for (int h = 0; h < sum.length; h++) {
                householdRisk[h] = sum[h] / members[h];
                householdNotPermanent[h] = 2 * notPermanentMembers[h] > members[h];
            }
        }
        return new HouseholdRisk(
                auc(householdRisk, householdNotPermanent),
                precisionAtTop(householdRisk, householdNotPermanent),
                householdRisk.length);
    }

    /** The figures training recorded in the manifest, if it recorded them. */
    public static Optional<HouseholdRisk> of(ModelManifest manifest) {
        JsonNode node = manifest.metrics().get(KEY);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(node, HouseholdRisk.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metrics." + KEY + " is malformed: " + e.getOriginalMessage(), e);
        }
    }

    JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    /** Mann-Whitney: (sum of the positives' ranks - n1(n1 + 1)/2) / (n1 n0), tied risks sharing their mean rank. */
    private static double auc(double[] risk, boolean[] positive) {
        Integer[] order = ascending(risk);
        double positiveRanks = 0;
        long positives = 0;
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && risk[order[end + 1]] == risk[order[start]]) {
                end++;
            }
            double meanRank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) {
                if (positive[order[i]]) {
                    positiveRanks += meanRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = risk.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("the AUC needs households that reached permanent housing and households "
                    + "that did not; found " + positives + " and " + negatives);
        }
        return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static double precisionAtTop(double[] risk, boolean[] positive) {
        Integer[] order = ascending(risk);
        int top = (int) Math.max(1, Math.round(risk.length * TOP_SHARE));
        int hits = 0;
        for (int i = order.length - top; i < order.length; i++) {
            hits += positive[order[i]] ? 1 : 0;
        }
        return (double) hits / top;
    }

    private static Integer[] ascending(double[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        return order;
    }
}
