package org.hmis.predictions.trees;

/**
 * What LightGBM's objective does to a row's raw scores to give its normal output ({@code ConvertOutput}): softmax
 * for {@code multiclass}, a sigmoid per score for {@code binary} and {@code multiclassova}, nothing for the
 * regression objectives whose output is the raw score. The arithmetic follows LightGBM's expression for expression;
 * only {@link Math#exp} may differ from the C library's {@code exp} in the last bit.
 */
final class OutputTransform {

    enum Kind {
        SOFTMAX,
        SIGMOID,
        IDENTITY
    }

    private final Kind kind;
    private final double sigmoid;

    private OutputTransform(Kind kind, double sigmoid) {
        this.kind = kind;
        this.sigmoid = sigmoid;
    }

    static OutputTransform softmax() {
        return new OutputTransform(Kind.SOFTMAX, Double.NaN);
    }

    /** {@code 1 / (1 + exp(-sigmoid * raw))} for each score. */
    static OutputTransform sigmoid(double sigmoid) {
        return new OutputTransform(Kind.SIGMOID, sigmoid);
    }

    static OutputTransform identity() {
        return new OutputTransform(Kind.IDENTITY, Double.NaN);
    }

    /** Replaces {@code count} raw scores starting at {@code offset} by the objective's output. */
    void apply(double[] values, int offset, int count) {
        switch (kind) {
            case SOFTMAX -> softmax(values, offset, count);
            case SIGMOID -> {
                for (int i = offset; i < offset + count; i++) {
                    values[i] = 1.0 / (1.0 + Math.exp(-sigmoid * values[i]));
                }
            }
            case IDENTITY -> {
                // the raw score is the output
            }
        }
    }

    /** LightGBM's {@code Common::Softmax}: the largest score subtracted, exponentials summed in order, divided. */
    private static void softmax(double[] values, int offset, int count) {
        double max = values[offset];
        for (int i = offset + 1; i < offset + count; i++) {
            // std::max(values[i], max) keeps max unless values[i] is not less, which also lets a NaN through.
            max = values[i] < max ? max : values[i];
        }
        double sum = 0.0;
        for (int i = offset; i < offset + count; i++) {
            values[i] = Math.exp(values[i] - max);
            sum += values[i];
        }
        for (int i = offset; i < offset + count; i++) {
            values[i] /= sum;
        }
    }
}
