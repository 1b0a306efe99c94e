package org.hmis.predictions.common.explain;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.FeatureSpec;

/**
 * Why a household's risk is what it is, from the exact per-feature contributions (TreeSHAP) to the risk model's raw
 * score, which is the log-odds of the risk: the expected value plus every feature's contribution is that log-odds.
 *
 * <p>A reason is a fact of the {@link ReasonCatalog} (the features that state one fact, such as the household's size,
 * adults and children): its contribution is the sum of its features', and its text that of its feature pushing
 * hardest the way the fact does, so the text never reads against the direction shown. Only features that
 * {@link FeatureSpec.Feature#mayBeReason() may be a reason} belong to a fact: what the features of who a guest is
 * contribute goes to {@code rest}, as does every fact not shown. A fact is shown when its contribution is at least
 * {@link #MIN_STRENGTH} either way: at most {@value #MAX_RAISES} that raise the risk, strongest first, and
 * {@value #MAX_LOWERS} that lower it; a household with no strong reason gets fewer, never filler. Among equal
 * contributions the fact whose first feature stands first in the model wins.
 *
 * <p>The JSON written is
 * {@code {"log_odds":L,"expected":E,"raises":[R...],"lowers":[R...],"rest":X}}, a reason R being
 * {@code {"fact":"income","features":["adults_earned_income"],"contribution":0.41,"text":"no adult in the household
 * has earned income"}} ({@code features} are the fact's features that contribute), so that E + the reasons'
 * contributions + X = L. Not thread-safe: one per thread.
 */
public final class Reasons {
    /**
     * The weakest contribution shown, in log-odds. A tenth of a unit of log-odds moves a risk near one half by about
     * two and a half points, and less the surer the model is: a reason weaker than that would not change what a case
     * worker does, so it is left in {@code rest} rather than shown as a reason.
     */
    public static final double MIN_STRENGTH = 0.1;
    /** Reasons that raise the risk, at most. */
    public static final int MAX_RAISES = 3;
    /** Reasons that lower the risk, at most. */
    public static final int MAX_LOWERS = 2;

    /** Which way a reason pushes the risk: the name of its array in the JSON and how it reads. */
    public enum Direction {
        RAISES("raises", "raises the risk"),
        LOWERS("lowers", "lowers the risk");

        private final String key;
        private final String phrase;

        Direction(String key, String phrase) {
            this.key = key;
            this.phrase = phrase;
        }

        /** The JSON array holding the reasons that push this way. */
        public String key() {
            return key;
        }

        /** The words a reason is printed with: "raises the risk". */
        public String phrase() {
            return phrase;
        }

        /** The direction of a contribution to the log-odds of the risk, which is not 0. */
        public static Direction of(double contribution) {
            if (!(contribution != 0)) {
                throw new IllegalArgumentException("a contribution of " + contribution + " pushes neither way");
            }
            return contribution > 0 ? RAISES : LOWERS;
        }
    }

    private final List<String> names;
    private final ReasonCatalog catalog;
    /** Per fact, in the order of its first feature in the model: its id and its features' indexes. */
    private final String[] factIds;

    private final int[][] factFeatures;
    private final double[] factSums;
    private final int[] raises = new int[MAX_RAISES];
    private final int[] lowers = new int[MAX_LOWERS];
    private final JsonStringEncoder quote = JsonStringEncoder.getInstance();

    /**
     * @param features the model's features in its column order; the catalog must have a text for each that may be a
     *     reason
     */
    public Reasons(List<FeatureSpec.Feature> features, ReasonCatalog catalog) {
        this.names = features.stream().map(FeatureSpec.Feature::name).toList();
        List<String> explained = features.stream()
                .filter(FeatureSpec.Feature::mayBeReason)
                .map(FeatureSpec.Feature::name)
                .toList();
        catalog.requireCovers(explained);
        this.catalog = catalog.copy();
        Map<String, List<Integer>> facts = new LinkedHashMap<>();
        for (int f = 0; f < features.size(); f++) {
            if (features.get(f).mayBeReason()) {
                facts.computeIfAbsent(catalog.fact(names.get(f)), fact -> new ArrayList<>())
                        .add(f);
            }
        }
        this.factIds = facts.keySet().toArray(String[]::new);
        this.factFeatures = facts.values().stream()
                .map(indexes -> indexes.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        this.factSums = new double[factIds.length];
    }

    /**
     * Appends one household's reasons as JSON.
     *
     * @param values the features, starting at {@code valueOffset}
     * @param contributions the features' contributions to the risk model's raw score, then its expected value,
     *     starting at {@code contributionOffset}, in the model's order
     * @param logOdds the risk model's raw score for these features: the log-odds of the risk
     */
    public void appendJson(
            double[] values,
            int valueOffset,
            double[] contributions,
            int contributionOffset,
            double logOdds,
            StringBuilder out) {
        int numFeatures = names.size();
        double expected = contributions[contributionOffset + numFeatures];
        double all = 0;
        for (int f = 0; f < numFeatures; f++) {
            all += contributions[contributionOffset + f];
        }
        int raised = 0;
        int lowered = 0;
        for (int g = 0; g < factIds.length; g++) {
            double sum = 0;
            for (int f : factFeatures[g]) {
                sum += contributions[contributionOffset + f];
            }
            factSums[g] = sum;
            if (sum >= MIN_STRENGTH) {
                raised = insert(raises, raised, g, 1);
            } else if (sum <= -MIN_STRENGTH) {
                lowered = insert(lowers, lowered, g, -1);
            }
        }
        double shown = 0;
        out.append("{\"log_odds\":").append(logOdds).append(",\"expected\":").append(expected);
        out.append(",\"").append(Direction.RAISES.key()).append("\":[");
        for (int i = 0; i < raised; i++) {
            shown += factSums[raises[i]];
            appendReason(i, raises[i], values, valueOffset, contributions, contributionOffset, out);
        }
        out.append("],\"").append(Direction.LOWERS.key()).append("\":[");
        for (int i = 0; i < lowered; i++) {
            shown += factSums[lowers[i]];
            appendReason(i, lowers[i], values, valueOffset, contributions, contributionOffset, out);
        }
        // Identity features, facts under the floor and those beyond the counts: what the reasons leave unsaid.
        out.append("],\"rest\":").append(all - shown).append('}');
    }

    /**
     * Keeps {@code kept} the strongest facts so far in {@code sign}'s direction, strongest first (a later fact only
     * passes a strictly weaker one); returns how many it holds.
     */
    private int insert(int[] kept, int found, int fact, int sign) {
        double strength = sign * factSums[fact];
        int at = found;
        while (at > 0 && strength > sign * factSums[kept[at - 1]]) {
            at--;
        }
        if (at >= kept.length) {
            return found;
        }
        int count = Math.min(found + 1, kept.length);
        for (int i = count - 1; i > at; i--) {
            kept[i] = kept[i - 1];
        }
        kept[at] = fact;
        return count;
    }

    private void appendReason(
            int position,
            int fact,
            double[] values,
            int valueOffset,
            double[] contributions,
            int contributionOffset,
            StringBuilder out) {
        double sum = factSums[fact];
        if (position > 0) {
            out.append(',');
        }
        out.append("{\"fact\":\"").append(factIds[fact]).append("\",\"features\":[");
        int strongest = -1;
        boolean first = true;
        for (int f : factFeatures[fact]) {
            double c = contributions[contributionOffset + f];
            if (c == 0) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"').append(names.get(f)).append('"');
            // The feature pushing hardest the fact's way: its text reads as the direction the reason is shown in.
            if ((c > 0) == (sum > 0)
                    && (strongest < 0 || Math.abs(c) > Math.abs(contributions[contributionOffset + strongest]))) {
                strongest = f;
            }
        }
        out.append("],\"contribution\":").append(sum).append(",\"text\":\"");
        quote.quoteAsString(catalog.text(names.get(strongest), values[valueOffset + strongest]), out);
        out.append("\"}");
    }
}
