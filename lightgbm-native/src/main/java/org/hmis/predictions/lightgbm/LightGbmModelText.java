package org.hmis.predictions.lightgbm;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hmis.predictions.common.model.InvalidModelException;

/**
 * Checks the layout of a LightGBM text model before native code sees it. LightGBM parses the trees at the byte
 * offsets its {@code tree_sizes=} header line promises without checking them against the text's length, so a
 * truncated model.txt crashes the JVM (SIGSEGV in {@code LightGBM::Tree::Tree}) instead of failing. This check
 * refuses such text with a readable error; LightGBM itself still checks the content of every tree.
 */
final class LightGbmModelText {

    /** The file name of a model's LightGBM text, as the messages name it. */
    static final String MODEL_FILE = "model.txt";

    private static final String PROBLEM = MODEL_FILE + " is not a LightGBM model: ";
    private static final String TREE_LINE = "Tree=";
    private static final String END_OF_TREES = "end of trees";
    private static final List<String> REQUIRED_HEADER_KEYS =
            List.of("version", "num_class", "max_feature_idx", "feature_names", "tree_sizes");

    private LightGbmModelText() {}

    /** Throws {@link InvalidModelException} unless the text has a LightGBM header and complete trees. */
    static void checkLayout(String modelText) {
        if (modelText == null || modelText.isBlank()) {
            throw new InvalidModelException(PROBLEM + "the text is empty");
        }
        // tree_sizes counts bytes, and the native side receives UTF-8.
        byte[] text = modelText.getBytes(StandardCharsets.UTF_8);
        int lineStart = 0;
        int lineNumber = 1;
        String treeSizes = null;
        Set<String> headerKeys = new HashSet<>();
        while (lineStart < text.length && !startsWith(text, lineStart, TREE_LINE)) {
            int lineEnd = lineEnd(text, lineStart);
            String line = new String(text, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
            if (lineNumber == 1 && !line.equals("tree")) {
                throw new InvalidModelException(PROBLEM + "line 1 should be 'tree', found '" + abbreviate(line) + "'");
            }
            int equals = line.indexOf('=');
            if (equals > 0) {
                String key = line.substring(0, equals);
                headerKeys.add(key);
                if (key.equals("tree_sizes")) {
                    treeSizes = line.substring(equals + 1);
                }
            }
            lineStart = nextLine(text, lineEnd);
            lineNumber++;
        }
        for (String key : REQUIRED_HEADER_KEYS) {
            if (!headerKeys.contains(key)) {
                throw new InvalidModelException(PROBLEM + "its header has no '" + key + "=' line");
            }
        }
        if (lineStart >= text.length) {
            throw new InvalidModelException(PROBLEM + "it has no 'Tree=' section");
        }
        checkTrees(text, lineStart, treeSizes);
    }

    private static void checkTrees(byte[] text, int treesStart, String treeSizes) {
        String[] sizes = treeSizes.trim().split(" ", -1);
        long offset = treesStart;
        for (int tree = 0; tree < sizes.length; tree++) {
            if (offset >= text.length || !startsWith(text, (int) offset, TREE_LINE)) {
                throw new InvalidModelException(PROBLEM + "tree " + tree + " is not at byte " + offset
                        + " where tree_sizes puts it (" + text.length
                        + " bytes in all): the text is truncated or was edited");
            }
            offset += parseSize(sizes[tree], tree);
        }
        int end = (int) Math.min(offset, text.length);
        while (end < text.length && (text[end] == '\n' || text[end] == '\r')) {
            end++;
        }
        if (offset > text.length || !startsWith(text, end, END_OF_TREES)) {
            throw new InvalidModelException(PROBLEM + "no '" + END_OF_TREES + "' line after the " + sizes.length
                    + " trees that tree_sizes lists: the text is truncated or was edited");
        }
    }

    private static long parseSize(String size, int tree) {
        long value;
        try {
            value = Long.parseLong(size);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value <= 0) {
            throw new InvalidModelException(
                    PROBLEM + "tree_sizes entry " + tree + " is not a positive size: '" + abbreviate(size) + "'");
        }
        return value;
    }

    private static boolean startsWith(byte[] text, int at, String prefix) {
        if (at + prefix.length() > text.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (text[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int lineEnd(byte[] text, int from) {
        int end = from;
        while (end < text.length && text[end] != '\n' && text[end] != '\r') {
            end++;
        }
        return end;
    }

    private static int nextLine(byte[] text, int lineEnd) {
        int next = lineEnd;
        while (next < text.length && (text[next] == '\n' || text[next] == '\r')) {
            next++;
        }
        return next;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
