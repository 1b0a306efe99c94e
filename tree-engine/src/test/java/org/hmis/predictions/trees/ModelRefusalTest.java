package org.hmis.predictions.trees;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import org.hmis.predictions.common.model.InvalidModelException;
import org.junit.jupiter.api.Test;

/** What the engine refuses at load, each time with a message naming the field and, for a tree's field, the tree. */
class ModelRefusalTest {

    private static final String MODEL = ModelFiles.demoModelText();

    @Test
    void theDemoModelLoadsFromTextAndFromAReader() throws IOException {
        TreeEnsemble fromText = TreeEnsemble.parse(MODEL);
        TreeEnsemble fromReader = TreeEnsemble.read(new StringReader(MODEL));
        assertEquals(500, fromText.numTrees());
        assertEquals(fromText.featureNames(), fromReader.featureNames());
        assertEquals("household_members", fromText.featureNames().get(0));
    }

    @Test
    void linearTrees() {
        refused(withTreeField(MODEL, 4, "is_linear", "1"), "tree 4, field is_linear", "linear trees");
    }

    @Test
    void unknownObjective() {
        refused(
                MODEL.replace("objective=multiclass num_class:5", "objective=lambdarank"),
                "header field objective",
                "lambdarank");
        refused(
                MODEL.replace("objective=multiclass num_class:5", "objective=poisson"),
                "header field objective",
                "poisson");
    }

    @Test
    void regressionWithASquareRootedLabel() {
        String regression = MODEL.replace("num_class=5", "num_class=1")
                .replace("num_tree_per_iteration=5", "num_tree_per_iteration=1");
        refused(
                regression.replace("objective=multiclass num_class:5", "objective=regression sqrt"),
                "header field objective",
                "sqrt");
    }

    @Test
    void objectiveThatDisagreesWithTheClassCount() {
        refused(
                MODEL.replace("objective=multiclass num_class:5", "objective=multiclass num_class:4"),
                "header field objective",
                "num_class=5");
    }

    @Test
    void randomForests() {
        refused(
                MODEL.replace("\nobjective=", "\naverage_output\nobjective="),
                "header field average_output",
                "random forest");
    }

    @Test
    void anotherFormatVersion() {
        refused(MODEL.replace("version=v4", "version=v2"), "header field version", "v2");
    }

    @Test
    void textTruncatedInsideATree() {
        int tree = MODEL.indexOf("Tree=7\n");
        int cut = MODEL.indexOf("leaf_value=", tree) + 30;
        refused(MODEL.substring(0, cut), "tree 7, field leaf_value", "values");
    }

    @Test
    void textTruncatedBetweenTrees() {
        refused(MODEL.substring(0, MODEL.indexOf("Tree=300\n")), "tree 299", "end of trees");
    }

    @Test
    void textTruncatedInTheHeader() {
        refused(MODEL.substring(0, MODEL.indexOf("feature_names=")), "feature_names", "header");
    }

    @Test
    void malformedNumbers() {
        refused(withFirstValue(MODEL, 3, "threshold", "1.2.3"), "tree 3, field threshold", "'1.2.3' is not a number");
        refused(withFirstValue(MODEL, 3, "leaf_count", "x"), "tree 3, field leaf_count", "'x' is not an integer");
        refused(MODEL.replace("num_class=5", "num_class=five"), "header field num_class", "not an integer");
        refused(withFirstValue(MODEL, 8, "leaf_value", "0x1p3"), "tree 8, field leaf_value", "not a number");
    }

    @Test
    void wrongArrayLengths() {
        String leftChild = field(MODEL, 5, "left_child");
        String shorter = leftChild.substring(0, leftChild.lastIndexOf(' '));
        refused(withTreeField(MODEL, 5, "left_child", shorter), "tree 5, field left_child", "29 values, 30 expected");
        refused(withTreeField(MODEL, 6, "num_leaves", "30"), "tree 6, field", "expected");
        refused(MODEL.replace("max_feature_idx=13", "max_feature_idx=12"), "header field feature_names", "14 names");
    }

    @Test
    void childrenOutOfRangeOrNotATree() {
        refused(withFirstValue(MODEL, 2, "right_child", "99"), "tree 2, field right_child", "child node 99");
        refused(withFirstValue(MODEL, 2, "right_child", "-40"), "tree 2, field right_child", "leaf 39");
        refused(withFirstValue(MODEL, 2, "left_child", "0"), "tree 2, field left_child", "do not form a tree");
    }

    @Test
    void splitOnAFeatureTheModelDoesNotHave() {
        refused(withFirstValue(MODEL, 9, "split_feature", "14"), "tree 9, field split_feature", "max_feature_idx=13");
    }

    @Test
    void unknownDecisionTypes() {
        refused(withFirstValue(MODEL, 1, "decision_type", "14"), "tree 1, field decision_type", "14");
    }

    @Test
    void categoricalSplitWithoutItsBitset() {
        refused(withFirstValue(MODEL, 1, "decision_type", "1"), "tree 1, field threshold", "num_cat=0");
    }

    @Test
    void unknownTreeFieldsAndEditedSizes() {
        refused(withTreeField(MODEL, 0, "shrinkage", "1\nleaf_const=0"), "tree 0, field leaf_const", "");
        String edited = withTreeField(MODEL, 11, "shrinkage", "0.050");
        refused(edited, "tree 11", "tree_sizes");
    }

    @Test
    void emptyText() {
        refused("", "empty", "");
        refused("not a model", "first line", "'tree'");
    }

    private static void refused(String text, String where, String what) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> TreeEnsemble.parse(text));
        assertTrue(
                e.getMessage().contains(where) && e.getMessage().contains(what),
                "the message should name '" + where + "' and say '" + what + "': " + e.getMessage());
    }

    /** The text of one field of one tree. */
    private static String field(String text, int tree, String key) {
        int start = text.indexOf("Tree=" + tree + "\n");
        int line = text.indexOf("\n" + key + "=", start) + key.length() + 2;
        return text.substring(line, text.indexOf('\n', line));
    }

    /** The text with the first value of one field of one tree replaced. */
    private static String withFirstValue(String text, int tree, String key, String value) {
        String values = field(text, tree, key);
        return withTreeField(text, tree, key, value + values.substring(values.indexOf(' ')));
    }

    private static String withTreeField(String text, int tree, String key, String value) {
        int start = text.indexOf("Tree=" + tree + "\n");
        int line = text.indexOf("\n" + key + "=", start) + key.length() + 2;
        return text.substring(0, line) + value + text.substring(text.indexOf('\n', line));
    }
}
