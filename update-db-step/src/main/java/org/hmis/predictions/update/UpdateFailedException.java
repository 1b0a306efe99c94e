package org.hmis.predictions.update;

import java.util.stream.Collectors;

/** Some parts of an invocation were not applied; the message names each and why, the result the rest. */
public final class UpdateFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient UpdateDbStep.Result result;

    public UpdateFailedException(UpdateDbStep.Result result) {
        super(result.failed().size() + " of "
                + (result.failed().size() + result.parts().size())
                + " predictions parts were not applied (each rolled back): "
                + result.failed().stream().map(f -> f.part() + ": " + f.error()).collect(Collectors.joining("; ")));
        this.result = result;
    }

    public UpdateDbStep.Result result() {
        return result;
    }
}
