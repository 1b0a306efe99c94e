package org.hmis.predictions.training.report;

import java.time.YearMonth;

/**
 * How the predictions of guests who left in one month compared with where they went.
 *
 * @param month the month of exit
 * @param rows guests who left that month with a prediction
 * @param accuracy share whose predicted class was the actual one
 * @param macroF1 unweighted mean of the classes' F1
 * @param brier mean multiclass Brier score of their probabilities
 */
public record OutcomeMonth(YearMonth month, long rows, double accuracy, double macroF1, double brier) {}
