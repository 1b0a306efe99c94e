package org.hmis.predictions.trees;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Input rows for comparing the engine with LightGBM: plausible values drawn from the ranges the model's
 * {@code feature_infos} records, and, for the adversarial rows, values where an evaluator could go wrong mixed in:
 * NaN, zeros of both signs, values just inside and just outside LightGBM's zero threshold ({@code 1e-35f}),
 * infinities, huge values, every split threshold of the model exactly and one step either side, and for categorical
 * features categories never seen in training, negative ones, fractional ones and ones too large for an {@code int}.
 */
final class TestRows {

    private static final double[] SPECIAL_VALUES = {
        Double.NaN,
        0.0,
        -0.0,
        1e-36,
        -1e-36,
        1e-35,
        FlatForest.ZERO_THRESHOLD,
        -FlatForest.ZERO_THRESHOLD,
        Math.nextUp(FlatForest.ZERO_THRESHOLD),
        Math.nextDown(-FlatForest.ZERO_THRESHOLD),
        Double.MIN_VALUE,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        1e300,
        -1e300,
        -1.0,
        -0.5,
        0.5,
        1.0
    };
    private static final double[] ODD_CATEGORIES = {-1.0, -5.0, -0.5, 0.99, 2.5, 3e9, -3e9, 1e10, 2147483647.0, 64.0};

    private final int numFeatures;
    private final List<FeatureRange> ranges;
    private final List<double[]> thresholds;

    private TestRows(String modelText) {
        ParsedModelText model = LightGbmTextParser.parse(modelText);
        numFeatures = model.featureNames.size();
        List<String> infos = ModelFiles.headerWords(modelText, "feature_infos");
        ranges = new ArrayList<>();
        for (String info : infos) {
            ranges.add(FeatureRange.of(info));
        }
        List<List<Double>> byFeature = new ArrayList<>();
        for (int f = 0; f < numFeatures; f++) {
            byFeature.add(new ArrayList<>());
        }
        for (ParsedTree tree : model.trees) {
            for (int node = 0; node < tree.numInternal(); node++) {
                if (!ParsedTree.isCategorical(tree.decisionType[node])) {
                    byFeature.get(tree.splitFeature[node]).add(tree.threshold[node]);
                }
            }
        }
        thresholds = new ArrayList<>();
        for (List<Double> values : byFeature) {
            thresholds.add(values.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    /** Rows of plausible values for the model's features. */
    static double[] realistic(String modelText, int rows, long seed) {
        TestRows generator = new TestRows(modelText);
        Random random = new Random(seed);
        double[] values = new double[rows * generator.numFeatures];
        for (int i = 0; i < values.length; i++) {
            values[i] = generator.ranges.get(i % generator.numFeatures).sample(random);
        }
        return values;
    }

    /** Plausible rows with about {@code specialShare} of their values replaced by values at the edges. */
    static double[] adversarial(String modelText, int rows, long seed, double specialShare) {
        TestRows generator = new TestRows(modelText);
        Random random = new Random(seed);
        double[] values = realistic(modelText, rows, seed + 1);
        for (int i = 0; i < values.length; i++) {
            if (random.nextDouble() < specialShare) {
                values[i] = generator.edgeValue(i % generator.numFeatures, random);
            }
        }
        return values;
    }

    private double edgeValue(int feature, Random random) {
        double[] splits = thresholds.get(feature);
        FeatureRange range = ranges.get(feature);
        int pick = random.nextInt(10);
        if (range.categorical && pick < 3) {
            return random.nextBoolean()
                    ? ODD_CATEGORIES[random.nextInt(ODD_CATEGORIES.length)]
                    : range.max + 1 + random.nextInt(40);
        }
        if (splits.length > 0 && pick < 7) {
            double threshold = splits[random.nextInt(splits.length)];
            return switch (random.nextInt(3)) {
                case 0 -> Math.nextDown(threshold);
                case 1 -> Math.nextUp(threshold);
                default -> threshold;
            };
        }
        return SPECIAL_VALUES[random.nextInt(SPECIAL_VALUES.length)];
    }

    /** A feature's values in training as {@code feature_infos} records them: {@code [min:max]}, categories, none. */
    private static final class FeatureRange {
        final boolean categorical;
        final boolean integral;
        final double min;
        final double max;
        final double[] categories;

        private FeatureRange(boolean categorical, boolean integral, double min, double max, double[] categories) {
            this.categorical = categorical;
            this.integral = integral;
            this.min = min;
            this.max = max;
            this.categories = categories;
        }

        static FeatureRange of(String info) {
            if (info.equals("none")) {
                return new FeatureRange(false, false, 0, 0, new double[0]);
            }
            if (info.startsWith("[")) {
                int colon = info.indexOf(':');
                double min = Double.parseDouble(info.substring(1, colon));
                double max = Double.parseDouble(info.substring(colon + 1, info.length() - 1));
                boolean integral = min == Math.rint(min) && max == Math.rint(max) && max - min <= 1000;
                return new FeatureRange(false, integral, min, max, new double[0]);
            }
            List<String> parts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i <= info.length(); i++) {
                if (i == info.length() || info.charAt(i) == ':') {
                    parts.add(info.substring(start, i));
                    start = i + 1;
                }
            }
            double[] categories =
                    parts.stream().mapToDouble(Double::parseDouble).toArray();
            double max = 0;
            for (double category : categories) {
                max = Math.max(max, category);
            }
            return new FeatureRange(true, true, 0, max, categories);
        }

        double sample(Random random) {
            if (categorical) {
                return categories[random.nextInt(categories.length)];
            }
            if (integral) {
                return min + random.nextInt((int) (max - min) + 1);
            }
            if (random.nextInt(4) == 0) {
                return 0.0;
            }
            return Math.round((min + random.nextDouble() * (max - min)) * 100) / 100.0;
        }
    }
}
