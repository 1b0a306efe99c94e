package org.hmis.predictions.synthetic;

import org.hmis.predictions.common.features.ExitDestinationClasses;

/**
 * The share of exited guests in each model class, in the classes' index order
 * ({@link ExitDestinationClasses#LABELS}: es, other, perm, temp, unknown). Shares are relative: they are divided
 * by their sum, which must be positive.
 */
public record ExitClassMix(double es, double other, double perm, double temp, double unknown) {

    public ExitClassMix {
        double[] shares = {es, other, perm, temp, unknown};
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            if (!(shares[i] >= 0) || Double.isInfinite(shares[i])) {
                throw new IllegalArgumentException("class mix: share of '" + ExitDestinationClasses.label(i) + "' is "
                        + shares[i] + "; expected a finite number >= 0");
            }
            sum += shares[i];
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("class mix: all shares are 0");
        }
        es /= sum;
        other /= sum;
        perm /= sum;
        temp /= sum;
        unknown /= sum;
    }

    /** The normalised share of the class with index {@code classIndex} (see {@link ExitDestinationClasses#LABELS}). */
    public double share(int classIndex) {
        return switch (classIndex) {
            case 0 -> es;
            case 1 -> other;
            case 2 -> perm;
            case 3 -> temp;
            case 4 -> unknown;
            default -> throw new IllegalArgumentException("class index " + classIndex + " is not in 0..4");
        };
    }
}
