package org.hmis.predictions.trees;

import java.util.List;

/**
 * A LightGBM text model as {@link LightGbmTextParser} read and checked it: the header fields used, and the trees as
 * parsed, before {@link FlatForest} lays them out for evaluation.
 */
final class ParsedModelText {

    /** Scores per row: {@code num_class} for the multiclass objectives, 1 for binary and regression. */
    final int numClasses;

    final List<String> featureNames;
    final OutputTransform transform;
    /** In file order: iteration after iteration, within one iteration class after class. */
    final List<ParsedTree> trees;

    ParsedModelText(int numClasses, List<String> featureNames, OutputTransform transform, List<ParsedTree> trees) {
        this.numClasses = numClasses;
        this.featureNames = List.copyOf(featureNames);
        this.transform = transform;
        this.trees = List.copyOf(trees);
    }
}
