package org.hmis.predictions.trees;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.hmis.predictions.common.model.InvalidModelException;

/**
 * Reads LightGBM's text model format as LightGBM 4.x writes it ({@code GBDT::SaveModelToString} and
 * {@code Tree::ToString}) and refuses, with a message naming the field and the tree, whatever this engine could not
 * evaluate exactly as LightGBM does: linear trees, objectives other than the ones {@link #transformOf} lists, random
 * forests ({@code average_output}), truncated text, malformed numbers, arrays whose lengths disagree, children that
 * do not form a tree and indexes out of range. Everything is checked here, at load, so evaluation needs no checks.
 */
final class LightGbmTextParser {

    private static final String PROBLEM = "Cannot load the LightGBM model: ";
    private static final String TREE_LINE = "Tree=";
    private static final String END_OF_TREES = "end of trees";
    private static final String SUPPORTED_VERSION = "v4";
    /** The missing type bits hold 0, 1 or 2; with the two flag bits below them, 11 is the largest valid value. */
    private static final int MAX_DECISION_TYPE = (ParsedTree.MISSING_NAN << 2) | 3;

    private static final Set<String> TREE_KEYS = Set.of(
            "num_leaves",
            "num_cat",
            "split_feature",
            "split_gain",
            "threshold",
            "decision_type",
            "left_child",
            "right_child",
            "leaf_value",
            "leaf_weight",
            "leaf_count",
            "internal_value",
            "internal_weight",
            "internal_count",
            "cat_boundaries",
            "cat_threshold",
            "is_linear",
            "shrinkage");
    private static final Set<String> IDENTITY_OBJECTIVES =
            Set.of("regression", "regression_l1", "huber", "fair", "quantile", "mape");

    private final String text;
    private int position;
    /** Where the line {@link #nextLine} returned last starts. */
    private int lineStart;

    private LightGbmTextParser(String text) {
        this.text = text;
    }

    static ParsedModelText parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidModelException(PROBLEM + "the text is empty");
        }
        return new LightGbmTextParser(text).parseModel();
    }

    private ParsedModelText parseModel() {
        String first = nextLine();
        if (!"tree".equals(first)) {
            throw new InvalidModelException(
                    PROBLEM + "the first line should be 'tree', found '" + abbreviate(first) + "'");
        }
        Map<String, String> header = readHeader();
        String version = required(header, "version");
        if (!SUPPORTED_VERSION.equals(version)) {
            throw headerProblem(
                    "version",
                    "'" + abbreviate(version) + "' is not " + SUPPORTED_VERSION + ", the format of LightGBM 4.x");
        }
        int numClass = headerInt(header, "num_class", 1);
        int treesPerIteration = header.containsKey("num_tree_per_iteration")
                ? headerInt(header, "num_tree_per_iteration", 1)
                : numClass;
        headerInt(header, "label_index", 0);
        int maxFeatureIdx = headerInt(header, "max_feature_idx", 0);
        if (header.containsKey("average_output")) {
            throw headerProblem("average_output", "random forest models (averaged outputs) are not supported");
        }
        List<String> featureNames = tokens(required(header, "feature_names"));
        if (featureNames.size() != maxFeatureIdx + 1) {
            throw headerProblem(
                    "feature_names",
                    "lists " + featureNames.size() + " names, max_feature_idx=" + maxFeatureIdx + " needs "
                            + (maxFeatureIdx + 1));
        }
        int featureInfos = tokens(required(header, "feature_infos")).size();
        if (featureInfos != maxFeatureIdx + 1) {
            throw headerProblem(
                    "feature_infos",
                    "lists " + featureInfos + " entries, max_feature_idx=" + maxFeatureIdx + " needs "
                            + (maxFeatureIdx + 1));
        }
        OutputTransform transform = transformOf(required(header, "objective"), numClass, treesPerIteration);

        List<ParsedTree> trees = new ArrayList<>();
        List<Integer> treeLengths = new ArrayList<>();
        String line = nextNonBlankLine();
        while (line != null && line.startsWith(TREE_LINE)) {
            int treeStart = lineStart;
            int index = trees.size();
            if (!line.equals(TREE_LINE + index)) {
                throw new InvalidModelException(PROBLEM + "tree " + index + " should start with '" + TREE_LINE + index
                        + "', found '" + abbreviate(line) + "'");
            }
            trees.add(new TreeReader(index, maxFeatureIdx).read(treeLines()));
            line = nextNonBlankLine();
            int nextStart = line == null ? text.length() : lineStart;
            treeLengths.add(nextStart - treeStart);
        }
        if (trees.isEmpty()) {
            throw new InvalidModelException(PROBLEM + "it has no trees ('" + TREE_LINE + "0' after the header)");
        }
        if (!END_OF_TREES.equals(line)) {
            throw new InvalidModelException(PROBLEM + "no '" + END_OF_TREES + "' line after tree " + (trees.size() - 1)
                    + ": the text is truncated or was edited");
        }
        if (trees.size() % treesPerIteration != 0) {
            throw headerProblem(
                    "num_tree_per_iteration",
                    treesPerIteration + " does not divide the " + trees.size() + " trees into whole iterations");
        }
        if (header.containsKey("tree_sizes")) {
            checkTreeSizes(header.get("tree_sizes"), treeLengths);
        }
        return new ParsedModelText(numClass, featureNames, transform, trees);
    }

    /** The header's {@code key=value} lines (a line without '=' is a key with an empty value), up to the trees. */
    private Map<String, String> readHeader() {
        Map<String, String> header = new HashMap<>();
        while (position < text.length() && !text.startsWith(TREE_LINE, position)) {
            String line = nextLine();
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            String key = equals < 0 ? line : line.substring(0, equals);
            String value = equals < 0 ? "" : line.substring(equals + 1);
            if (header.put(key, value) != null) {
                throw headerProblem(key, "appears twice");
            }
        }
        return header;
    }

    /** The lines of one tree: up to the blank line that ends it, or to a line that starts something else. */
    private List<String> treeLines() {
        List<String> lines = new ArrayList<>();
        while (position < text.length()) {
            int mark = position;
            String line = nextLine();
            if (line.isEmpty()) {
                break;
            }
            if (line.startsWith(TREE_LINE) || line.equals(END_OF_TREES)) {
                position = mark;
                break;
            }
            lines.add(line);
        }
        return lines;
    }

    private void checkTreeSizes(String sizes, List<Integer> treeLengths) {
        List<String> stated = tokens(sizes);
        if (stated.size() != treeLengths.size()) {
            throw headerProblem(
                    "tree_sizes", "lists " + stated.size() + " trees, the text holds " + treeLengths.size());
        }
        for (int tree = 0; tree < stated.size(); tree++) {
            long size = parseLong(stated.get(tree), () -> "header field tree_sizes");
            if (size != treeLengths.get(tree)) {
                throw new InvalidModelException(PROBLEM + "tree " + tree + ": tree_sizes gives it " + size
                        + " characters, the text " + treeLengths.get(tree) + ": the text was edited or truncated");
            }
        }
    }

    /**
     * What the objective line means for the output. LightGBM writes {@code multiclass num_class:K},
     * {@code multiclassova num_class:K sigmoid:S}, {@code binary sigmoid:S}, and a regression objective's name,
     * followed by {@code sqrt} when the label was square-rooted in training (refused here: the output would be
     * squared). The regression objectives accepted are those whose output is the raw score.
     */
    private static OutputTransform transformOf(String objective, int numClass, int treesPerIteration) {
        List<String> words = tokens(objective);
        if (words.isEmpty()) {
            throw headerProblem("objective", "is empty");
        }
        String name = words.get(0);
        Map<String, String> parameters = new HashMap<>();
        for (String word : words.subList(1, words.size())) {
            int colon = word.indexOf(':');
            if (colon <= 0 || parameters.put(word.substring(0, colon), word.substring(colon + 1)) != null) {
                throw headerProblem(
                        "objective", "'" + abbreviate(objective) + "': '" + abbreviate(word) + "' is not supported");
            }
        }
        if (name.equals("multiclass") || name.equals("multiclassova")) {
            int classes = (int) parseLong(
                    parameters.getOrDefault("num_class", ""), () -> "header field objective, parameter num_class");
            if (classes != numClass || treesPerIteration != numClass || numClass < 2) {
                throw headerProblem(
                        "objective",
                        "'" + abbreviate(objective) + "' disagrees with num_class=" + numClass
                                + " and num_tree_per_iteration=" + treesPerIteration);
            }
            if (name.equals("multiclass")) {
                expectOnly(parameters, Set.of("num_class"), objective);
                return OutputTransform.softmax();
            }
            expectOnly(parameters, Set.of("num_class", "sigmoid"), objective);
            return OutputTransform.sigmoid(sigmoidOf(parameters, objective));
        }
        if (numClass != 1 || treesPerIteration != 1) {
            throw headerProblem(
                    "objective",
                    "'" + name + "' predicts one score, but num_class=" + numClass + " and num_tree_per_iteration="
                            + treesPerIteration);
        }
        if (name.equals("binary")) {
            expectOnly(parameters, Set.of("sigmoid"), objective);
            return OutputTransform.sigmoid(sigmoidOf(parameters, objective));
        }
        if (IDENTITY_OBJECTIVES.contains(name)) {
            expectOnly(parameters, Set.of(), objective);
            return OutputTransform.identity();
        }
        throw headerProblem(
                "objective",
                "'" + abbreviate(objective) + "' is not supported: only multiclass, "
                        + "multiclassova, binary and "
                        + String.join(
                                ", ", IDENTITY_OBJECTIVES.stream().sorted().toList())
                        + " (without sqrt)");
    }

    private static void expectOnly(Map<String, String> parameters, Set<String> allowed, String objective) {
        for (String key : parameters.keySet()) {
            if (!allowed.contains(key)) {
                throw headerProblem(
                        "objective",
                        "'" + abbreviate(objective) + "': parameter '" + abbreviate(key) + "' is not supported");
            }
        }
    }

    private static double sigmoidOf(Map<String, String> parameters, String objective) {
        String value = parameters.get("sigmoid");
        if (value == null) {
            throw headerProblem("objective", "'" + abbreviate(objective) + "' has no sigmoid parameter");
        }
        double sigmoid = parseDouble(value, () -> "header field objective, parameter sigmoid");
        if (!(sigmoid > 0 && sigmoid < Double.POSITIVE_INFINITY)) {
            throw headerProblem("objective", "sigmoid:" + abbreviate(value) + " should be positive");
        }
        return sigmoid;
    }

    private static String required(Map<String, String> header, String key) {
        String value = header.get(key);
        if (value == null) {
            throw new InvalidModelException(PROBLEM + "the header has no '" + key + "=' line");
        }
        return value;
    }

    private static int headerInt(Map<String, String> header, String key, int minimum) {
        long value = parseLong(required(header, key), () -> "header field " + key);
        if (value < minimum || value > Integer.MAX_VALUE) {
            throw headerProblem(key, value + " should be at least " + minimum);
        }
        return (int) value;
    }

    private static InvalidModelException headerProblem(String key, String detail) {
        return new InvalidModelException(PROBLEM + "header field " + abbreviate(key) + ": " + detail);
    }

    /** The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end of the text. */
    private String nextLine() {
        if (position >= text.length()) {
            return null;
        }
        int end = text.indexOf('\n', position);
        int next = end < 0 ? text.length() : end + 1;
        int contentEnd = end < 0 ? text.length() : end;
        if (contentEnd > position && text.charAt(contentEnd - 1) == '\r') {
            contentEnd--;
        }
        String line = text.substring(position, contentEnd);
        lineStart = position;
        position = next;
        return line;
    }

    private String nextNonBlankLine() {
        String line = nextLine();
        while (line != null && line.isEmpty()) {
            line = nextLine();
        }
        return line;
    }

    /** Words separated by spaces; none for an empty value. */
    static List<String> tokens(String value) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= value.length(); i++) {
            boolean separator = i == value.length() || value.charAt(i) == ' ';
            if (separator && start >= 0) {
                tokens.add(value.substring(start, i));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return tokens;
    }

    static long parseLong(String token, Supplier<String> field) {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw new InvalidModelException(
                    PROBLEM + field.get() + ": '" + abbreviate(token) + "' is not an integer", e);
        }
    }

    /**
     * A number as C's {@code printf("%.17g")} writes it, including {@code inf}, {@code -inf} and {@code nan}. Java's
     * own parser would also take hexadecimal and a trailing {@code d} or {@code f}, which LightGBM never writes.
     */
    static double parseDouble(String token, Supplier<String> field) {
        String word = token.startsWith("-") || token.startsWith("+") ? token.substring(1) : token;
        boolean negative = token.startsWith("-");
        if (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (word.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        if (!isDecimal(word)) {
            throw new InvalidModelException(PROBLEM + field.get() + ": '" + abbreviate(token) + "' is not a number");
        }
        return Double.parseDouble(token);
    }

    /** Digits with at most one point and at least one digit, then optionally an exponent with digits. */
    private static boolean isDecimal(String word) {
        int i = 0;
        int digits = 0;
        while (i < word.length() && isDigit(word.charAt(i))) {
            i++;
            digits++;
        }
        if (i < word.length() && word.charAt(i) == '.') {
            i++;
            while (i < word.length() && isDigit(word.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < word.length() && (word.charAt(i) == 'e' || word.charAt(i) == 'E')) {
            i++;
            if (i < word.length() && (word.charAt(i) == '-' || word.charAt(i) == '+')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < word.length() && isDigit(word.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == word.length();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "(end of text)";
        }
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /** Reads and checks the lines of one tree. */
    private static final class TreeReader {

        private final int index;
        private final int maxFeatureIdx;
        private final Map<String, String> fields = new HashMap<>();

        TreeReader(int index, int maxFeatureIdx) {
            this.index = index;
            this.maxFeatureIdx = maxFeatureIdx;
        }

        ParsedTree read(List<String> lines) {
            for (String line : lines) {
                int equals = line.indexOf('=');
                if (equals <= 0) {
                    throw problem("line '" + abbreviate(line) + "'", "is not key=value");
                }
                String key = line.substring(0, equals);
                if (!TREE_KEYS.contains(key)) {
                    throw problem(key, "is not a field this engine knows");
                }
                if (fields.put(key, line.substring(equals + 1)) != null) {
                    throw problem(key, "appears twice");
                }
            }
            if (fields.containsKey("is_linear") && scalarInt("is_linear") != 0) {
                throw problem("is_linear", "linear trees are not supported");
            }
            int numLeaves = scalarInt("num_leaves");
            if (numLeaves < 1) {
                throw problem("num_leaves", numLeaves + " should be at least 1");
            }
            int numCat = scalarInt("num_cat");
            if (numCat < 0) {
                throw problem("num_cat", numCat + " should not be negative");
            }
            if (fields.containsKey("shrinkage")) {
                parseDouble(requiredField("shrinkage"), () -> where("shrinkage"));
            }
            int internal = numLeaves - 1;
            double[] leafValue = doubles("leaf_value", numLeaves, true);
            doubles("leaf_weight", numLeaves, false);
            int[] leafCount = ints("leaf_count", numLeaves, true);
            int[] splitFeature = ints("split_feature", internal, internal > 0);
            double[] threshold = doubles("threshold", internal, internal > 0);
            int[] decisionValues = ints("decision_type", internal, internal > 0);
            int[] leftChild = ints("left_child", internal, internal > 0);
            int[] rightChild = ints("right_child", internal, internal > 0);
            int[] internalCount = ints("internal_count", internal, internal > 0);
            doubles("split_gain", internal, false);
            doubles("internal_value", internal, false);
            doubles("internal_weight", internal, false);
            byte[] decisionType = new byte[internal];
            for (int node = 0; node < internal; node++) {
                if (decisionValues[node] < 0 || decisionValues[node] > MAX_DECISION_TYPE) {
                    throw problem(
                            "decision_type",
                            "value " + decisionValues[node] + " at node " + node + " is not a known decision type");
                }
                decisionType[node] = (byte) decisionValues[node];
                if (splitFeature[node] < 0 || splitFeature[node] > maxFeatureIdx) {
                    throw problem(
                            "split_feature",
                            "node " + node + " splits on feature " + splitFeature[node] + ", but max_feature_idx="
                                    + maxFeatureIdx);
                }
            }
            int[] catBoundaries = new int[] {0};
            int[] catThreshold = new int[0];
            if (numCat > 0) {
                catBoundaries = ints("cat_boundaries", numCat + 1, true);
                catThreshold = categoryWords(catBoundaries);
            } else if (fields.containsKey("cat_boundaries") || fields.containsKey("cat_threshold")) {
                throw problem(
                        fields.containsKey("cat_boundaries") ? "cat_boundaries" : "cat_threshold",
                        "is present, but num_cat=0");
            }
            checkCategoricalSplits(decisionType, threshold, numCat);
            checkShape(leftChild, rightChild, numLeaves);
            return new ParsedTree(
                    numLeaves,
                    splitFeature,
                    threshold,
                    decisionType,
                    leftChild,
                    rightChild,
                    leafValue,
                    leafCount,
                    internalCount,
                    catBoundaries,
                    catThreshold);
        }

        private int[] categoryWords(int[] catBoundaries) {
            if (catBoundaries[0] != 0) {
                throw problem("cat_boundaries", "should start at 0, found " + catBoundaries[0]);
            }
            for (int i = 1; i < catBoundaries.length; i++) {
                if (catBoundaries[i] < catBoundaries[i - 1]) {
                    throw problem(
                            "cat_boundaries",
                            "should not decrease, found " + catBoundaries[i - 1] + " then " + catBoundaries[i]);
                }
            }
            List<String> words = tokens(requiredField("cat_threshold"));
            int expected = catBoundaries[catBoundaries.length - 1];
            if (words.size() != expected) {
                throw problem("cat_threshold", "has " + words.size() + " values, cat_boundaries ends at " + expected);
            }
            int[] bits = new int[expected];
            for (int i = 0; i < expected; i++) {
                long word = parseLong(words.get(i), () -> where("cat_threshold"));
                if (word < 0 || word > 0xFFFF_FFFFL) {
                    throw problem("cat_threshold", "value " + word + " is not a 32-bit unsigned word");
                }
                bits[i] = (int) word;
            }
            return bits;
        }

        /** A categorical split's threshold is the index of its bitset, which must exist. */
        private void checkCategoricalSplits(byte[] decisionType, double[] threshold, int numCat) {
            for (int node = 0; node < decisionType.length; node++) {
                if (ParsedTree.isCategorical(decisionType[node])) {
                    double split = threshold[node];
                    if (!(split >= 0 && split < numCat && split == Math.rint(split))) {
                        throw problem(
                                "threshold",
                                "node " + node + " is categorical, so its threshold should name "
                                        + "one of the num_cat=" + numCat + " bitsets, found " + split);
                    }
                }
            }
        }

        /** Every internal node but the root and every leaf is the child of exactly one node, reachable from node 0. */
        private void checkShape(int[] leftChild, int[] rightChild, int numLeaves) {
            int internal = numLeaves - 1;
            boolean[] nodeReached = new boolean[internal];
            boolean[] leafReached = new boolean[numLeaves];
            if (internal == 0) {
                return;
            }
            nodeReached[0] = true;
            int[] pending = new int[internal];
            int pendingCount = 0;
            pending[pendingCount++] = 0;
            while (pendingCount > 0) {
                int node = pending[--pendingCount];
                for (int side = 0; side < 2; side++) {
                    String field = side == 0 ? "left_child" : "right_child";
                    int child = side == 0 ? leftChild[node] : rightChild[node];
                    if (child >= 0) {
                        if (child >= internal) {
                            throw problem(
                                    field,
                                    "node " + node + " has child node " + child + ", but the tree has " + internal
                                            + " internal nodes");
                        }
                        if (nodeReached[child]) {
                            throw problem(
                                    field,
                                    "node " + node + " leads to node " + child
                                            + ", which another node already leads to: the children do not form a tree");
                        }
                        nodeReached[child] = true;
                        pending[pendingCount++] = child;
                    } else {
                        int leaf = ~child;
                        if (leaf >= numLeaves) {
                            throw problem(
                                    field,
                                    "node " + node + " has child " + child + " (leaf " + leaf + "), but the tree has "
                                            + numLeaves + " leaves");
                        }
                        if (leafReached[leaf]) {
                            throw problem(
                                    field,
                                    "node " + node + " leads to leaf " + leaf
                                            + ", which another node already leads to: the children do not form a tree");
                        }
                        leafReached[leaf] = true;
                    }
                }
            }
            for (int node = 0; node < internal; node++) {
                if (!nodeReached[node]) {
                    throw problem("left_child", "node " + node + " cannot be reached from the root");
                }
            }
        }

        private int scalarInt(String key) {
            long value = parseLong(requiredField(key), () -> where(key));
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw problem(key, value + " is out of range");
            }
            return (int) value;
        }

        /** The field's integers, exactly {@code count} of them; an absent optional field gives zeros. */
        private int[] ints(String key, int count, boolean required) {
            List<String> words = values(key, count, required);
            int[] values = new int[count];
            for (int i = 0; i < words.size(); i++) {
                long value = parseLong(words.get(i), () -> where(key));
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    throw problem(key, "value " + value + " at position " + i + " is out of range");
                }
                values[i] = (int) value;
            }
            return values;
        }

        private double[] doubles(String key, int count, boolean required) {
            List<String> words = values(key, count, required);
            double[] values = new double[count];
            for (int i = 0; i < words.size(); i++) {
                int at = i;
                values[i] = parseDouble(words.get(i), () -> where(key) + ", position " + at);
            }
            return values;
        }

        private List<String> values(String key, int count, boolean required) {
            String value = fields.get(key);
            if (value == null) {
                if (required) {
                    throw problem(key, "is missing");
                }
                return List.of();
            }
            List<String> words = tokens(value);
            if (words.size() != count) {
                throw problem(
                        key,
                        "has " + words.size() + " values, " + count + " expected (num_leaves="
                                + requiredField("num_leaves") + ", num_cat=" + requiredField("num_cat") + ")");
            }
            return words;
        }

        private String requiredField(String key) {
            String value = fields.get(key);
            if (value == null) {
                throw problem(key, "is missing");
            }
            return value;
        }

        private String where(String key) {
            return "tree " + index + ", field " + key;
        }

        private InvalidModelException problem(String key, String detail) {
            return new InvalidModelException(PROBLEM + where(key) + ": " + detail);
        }
    }
}
