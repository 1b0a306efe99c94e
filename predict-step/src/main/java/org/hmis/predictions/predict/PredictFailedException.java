package org.hmis.predictions.predict;

import java.util.stream.Collectors;

/** Some parts of an invocation could not be predicted; the message names each and why, the summary the rest. */
public final class PredictFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient PredictStep.Summary summary;

    public PredictFailedException(PredictStep.Summary summary) {
        super(summary.failed().size() + " of "
                + (summary.failed().size() + summary.parts().size())
                + " wrangled parts could not be predicted (nothing was written for them): "
                + summary.failed().stream()
                        .map(f -> f.source() + ": " + f.error())
                        .collect(Collectors.joining("; ")));
        this.summary = summary;
    }

    public PredictStep.Summary summary() {
        return summary;
    }
}
