package org.hmis.predictions.trees;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.util.Random;
import org.hmis.predictions.lightgbm.LightGbmLibrary;

/**
 * Models trained with lightgbm4j on generated rows, so the tests cover what the bundled model does not: missing
 * values, zero as missing, categorical features, other objectives, single-leaf trees and large trees. Six features:
 * an income with NaN, an age with NaN, a household size, a flag, a balance that is often 0 and may be negative, and
 * a category from 0 to 9 (categorical only when the parameters say so).
 */
final class TrainedModels {

    static final int FEATURES = 6;
    static final int CATEGORY_FEATURE = 5;

    private TrainedModels() {}

    /** Rows and, per row, a class from 0 to 3 that follows the features, with 10% of classes random. */
    static final class Data {
        final double[] rows;
        final int[] classes;
        final double[] targets;

        Data(double[] rows, int[] classes, double[] targets) {
            this.rows = rows;
            this.classes = classes;
            this.targets = targets;
        }

        int count() {
            return classes.length;
        }
    }

    static Data generate(int count, long seed) {
        Random random = new Random(seed);
        double[] rows = new double[count * FEATURES];
        int[] classes = new int[count];
        double[] targets = new double[count];
        for (int row = 0; row < count; row++) {
            double income = random.nextDouble() * 3000;
            double age = random.nextInt(80);
            double members = 1 + random.nextInt(6);
            double flag = random.nextBoolean() ? 1 : 0;
            double balance = random.nextInt(3) == 0 ? 0 : (random.nextDouble() - 0.3) * 500;
            double category = random.nextInt(10);
            int at = row * FEATURES;
            rows[at] = random.nextDouble() < 0.08 ? Double.NaN : income;
            rows[at + 1] = random.nextDouble() < 0.05 ? Double.NaN : age;
            rows[at + 2] = members;
            rows[at + 3] = flag;
            rows[at + 4] = balance;
            rows[at + 5] = category;
            int label = income < 800 ? (age < 25 ? 0 : 1) : (balance > 100 || category > 6 ? 2 : 3);
            classes[row] = random.nextDouble() < 0.1 ? random.nextInt(4) : label;
            targets[row] = income / 100 + (category % 3) * 5 - balance / 50 + flag * 3 + random.nextGaussian();
        }
        return new Data(rows, classes, targets);
    }

    /**
     * Trains {@code iterations} rounds with the given LightGBM parameters (objective, classes and so on) and returns
     * the model text. Labels are the rows' classes, or their targets for a regression objective.
     */
    static String train(Data data, String parameters, int iterations, boolean regression) {
        LightGbmLibrary.ensureLoaded();
        String all = parameters + " deterministic=true force_row_wise=true num_threads=2 seed=5 verbosity=-1";
        float[] labels = new float[data.count()];
        for (int row = 0; row < labels.length; row++) {
            labels[row] = (float) (regression ? data.targets[row] : data.classes[row]);
        }
        try (LGBMDataset dataset = LGBMDataset.createFromMat(data.rows, data.count(), FEATURES, true, all, null)) {
            dataset.setFeatureNames(new String[] {"income", "age", "members", "flag", "balance", "category"});
            dataset.setField("label", labels);
            try (LGBMBooster booster = LGBMBooster.create(dataset, all)) {
                for (int i = 0; i < iterations; i++) {
                    booster.updateOneIter();
                }
                return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            }
        } catch (LGBMException e) {
            throw new IllegalStateException("training failed: " + e.getMessage(), e);
        }
    }
}
