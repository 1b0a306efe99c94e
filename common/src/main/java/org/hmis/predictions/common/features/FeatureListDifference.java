package org.hmis.predictions.common.features;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a list of feature (or column) names differs from the list expected: names missing, names not expected,
 * names given twice, and names present in both but out of order. Used wherever a model, a file header or a
 * manifest must match a {@link FeatureSpec}, so every refusal names the difference the same way.
 */
public final class FeatureListDifference {

    private static final int SHOWN_NAMES = 10;

    private final List<String> expected;
    private final List<String> actual;
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> duplicated;
    private final List<String> misplaced;

    private FeatureListDifference(List<String> expected, List<String> actual) {
        this.expected = List.copyOf(expected);
        this.actual = List.copyOf(actual);
        Set<String> expectedSet = new HashSet<>(expected);
        Set<String> actualSet = new HashSet<>(actual);
        this.missing = expected.stream()
                .filter(name -> !actualSet.contains(name))
                .distinct()
                .toList();
        this.unexpected = actual.stream()
                .filter(name -> !expectedSet.contains(name))
                .distinct()
                .toList();
        Set<String> seen = new HashSet<>();
        Set<String> twice = new LinkedHashSet<>();
        for (String name : actual) {
            if (!seen.add(name)) {
                twice.add(name);
            }
        }
        this.duplicated = List.copyOf(twice);
        List<String> expectedCommon =
                expected.stream().filter(actualSet::contains).distinct().toList();
        List<String> actualCommon =
                actual.stream().filter(expectedSet::contains).distinct().toList();
        this.misplaced = outOfOrder(expectedCommon, actualCommon);
    }

    /** Compares {@code actual} with {@code expected}. */
    public static FeatureListDifference between(List<String> expected, List<String> actual) {
        return new FeatureListDifference(expected, actual);
    }

    public boolean isEmpty() {
        return missing.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty() && misplaced.isEmpty();
    }

    /** Expected names that are absent. */
    public List<String> missing() {
        return missing;
    }

    /** Names that are not expected. */
    public List<String> unexpected() {
        return unexpected;
    }

    /** Names given more than once. */
    public List<String> duplicated() {
        return duplicated;
    }

    /** Names present in both lists but out of order: the fewest whose moving would restore the order. */
    public List<String> misplaced() {
        return misplaced;
    }

    /**
     * The difference in words, e.g. {@code missing: tanf; unexpected: tanf2; misplaced: 'is_male' at position 30,
     * expected at 31}; positions count from 1. Empty when the lists match.
     */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing: " + shown(missing));
        }
        if (!unexpected.isEmpty()) {
            parts.add("unexpected: " + shown(unexpected));
        }
        if (!duplicated.isEmpty()) {
            parts.add("duplicated: " + shown(duplicated));
        }
        if (!misplaced.isEmpty()) {
            List<String> moves = misplaced.stream()
                    .map(name -> "'" + name + "' at position " + (actual.indexOf(name) + 1) + ", expected at "
                            + (expected.indexOf(name) + 1))
                    .toList();
            parts.add("misplaced: " + shown(moves));
        }
        return String.join("; ", parts);
    }

    @Override
    public String toString() {
        return isEmpty() ? "no difference" : describe();
    }

    private static String shown(List<String> names) {
        if (names.size() <= SHOWN_NAMES) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, SHOWN_NAMES)) + " and " + (names.size() - SHOWN_NAMES) + " more";
    }

    /**
     * The names of {@code actual} outside a longest common subsequence with {@code expected}; both lists hold the
     * same distinct names. Lists are short (tens of features), so the quadratic table is cheap.
     */
    private static List<String> outOfOrder(List<String> expected, List<String> actual) {
        int n = expected.size();
        int[][] longest = new int[n + 1][n + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = n - 1; j >= 0; j--) {
                longest[i][j] = expected.get(i).equals(actual.get(j))
                        ? longest[i + 1][j + 1] + 1
                        : Math.max(longest[i + 1][j], longest[i][j + 1]);
            }
        }
        Set<String> inOrder = new HashSet<>();
        int i = 0;
        int j = 0;
        while (i < n && j < n) {
            if (expected.get(i).equals(actual.get(j))) {
                inOrder.add(actual.get(j));
                i++;
                j++;
            } else if (longest[i + 1][j] >= longest[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return actual.stream().filter(name -> !inOrder.contains(name)).toList();
    }
}
