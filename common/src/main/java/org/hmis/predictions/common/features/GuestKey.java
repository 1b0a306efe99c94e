package org.hmis.predictions.common.features;

import java.time.LocalDate;
import java.util.Objects;

/** Identifies one enrolment of a guest: {@code personal_id} repeats when a guest re-enrols, the pair does not. */
public record GuestKey(int personalId, LocalDate enrollDate) {
    public GuestKey {
        Objects.requireNonNull(enrollDate, "enrollDate");
    }
}
