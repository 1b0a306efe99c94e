package org.hmis.predictions.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How to train: LightGBM's settings for the multiclass model and for the binary risk model beside it, plus the share
 * of households held out for evaluation.
 *
 * @param numIterations boosting rounds (each adds one tree per class)
 * @param learningRate shrinkage per round
 * @param numLeaves maximum leaves per tree
 * @param seed seeds LightGBM and the train/test split, so the same data and parameters give the same model
 * @param numThreads LightGBM's threads; fixed, because results depend on it
 * @param testShare share of households (not rows) held out for the metrics, between 0 and 1 exclusive
 * @param riskIterations boosting rounds of the binary risk model (one tree each), at the same learning rate and
 *     leaves
 */
public record TrainingParameters(
        int numIterations,
        double learningRate,
        int numLeaves,
        int seed,
        int numThreads,
        double testShare,
        int riskIterations) {

    public TrainingParameters {
        if (numIterations <= 0) {
            throw new IllegalArgumentException("numIterations should be positive, found " + numIterations);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learningRate should be in (0, 1], found " + learningRate);
        }
        if (numLeaves < 2) {
            throw new IllegalArgumentException("numLeaves should be at least 2, found " + numLeaves);
        }
        if (numThreads <= 0) {
            throw new IllegalArgumentException("numThreads should be positive, found " + numThreads);
        }
        if (!(testShare > 0 && testShare < 1)) {
            throw new IllegalArgumentException("testShare should be between 0 and 1 exclusive, found " + testShare);
        }
        if (riskIterations <= 0) {
            throw new IllegalArgumentException("riskIterations should be positive, found " + riskIterations);
        }
    }

    /** The risk model trained as many rounds as the multiclass one. */
    public TrainingParameters(
            int numIterations, double learningRate, int numLeaves, int seed, int numThreads, double testShare) {
        this(numIterations, learningRate, numLeaves, seed, numThreads, testShare, numIterations);
    }

    /** 100 rounds at 0.05, 31 leaves, seed 42, every available core, 20% of households held out. */
    public static TrainingParameters defaults() {
        return new TrainingParameters(100, 0.05, 31, 42, Runtime.getRuntime().availableProcessors(), 0.2);
    }

    /** The LightGBM parameters of the multiclass model, as recorded in the manifest. */
    public Map<String, String> lightGbmParameters(int numClasses) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("objective", "multiclass");
        parameters.put("num_class", Integer.toString(numClasses));
        return common(parameters, numIterations);
    }

    /** The LightGBM parameters of the binary risk model. */
    public Map<String, String> riskLightGbmParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("objective", "binary");
        return common(parameters, riskIterations);
    }

    private Map<String, String> common(Map<String, String> parameters, int iterations) {
        parameters.put("num_iterations", Integer.toString(iterations));
        parameters.put("learning_rate", Double.toString(learningRate));
        parameters.put("num_leaves", Integer.toString(numLeaves));
        parameters.put("seed", Integer.toString(seed));
        // deterministic needs a fixed histogram layout to give the same model on every run.
        parameters.put("deterministic", "true");
        parameters.put("force_row_wise", "true");
        parameters.put("num_threads", Integer.toString(numThreads));
        parameters.put("verbosity", "-1");
        return parameters;
    }

    /** Parameters in LightGBM's {@code key=value key=value} form. */
    static String asLightGbmString(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
