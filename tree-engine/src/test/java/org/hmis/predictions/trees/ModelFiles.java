package org.hmis.predictions.trees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Model text the tests read: the project's bundled demo models, found wherever they live in the repository. */
final class ModelFiles {

    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", "node_modules", ".mvn");

    private ModelFiles() {}

    /**
     * The bundled demo model: the {@code model.txt} in a {@code demo-model} directory of the repository that holds
     * the working directory (the module, under Maven). Looked up rather than hard-coded, so it may move.
     */
    static String demoModelText() {
        return demoModelFile("model.txt");
    }

    /** The bundled demo model's binary risk model, {@code risk-model.txt} beside its {@code model.txt}. */
    static String demoRiskModelText() {
        return demoModelFile("risk-model.txt");
    }

    private static String demoModelFile(String name) {
        Path root = repositoryRoot();
        List<Path> found = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root, 12)) {
            paths.filter(path -> path.endsWith(Path.of("demo-model", name)))
                    .filter(path -> !inSkippedDirectory(root.relativize(path)))
                    .forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.size() != 1) {
            throw new IllegalStateException("expected one demo-model/" + name + " under " + root + ", found " + found);
        }
        try {
            return Files.readString(found.get(0), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean inSkippedDirectory(Path relative) {
        for (Path part : relative) {
            if (SKIPPED_DIRECTORIES.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /** The nearest directory upward from the working directory that holds {@code mvnw}: the repository's root. */
    private static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path directory = start; directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve("mvnw"))) {
                return directory;
            }
        }
        throw new IllegalStateException("no mvnw above " + start + ": run the tests from within the repository");
    }

    /** One header field of LightGBM model text, split into words, or none when the header lacks it. */
    static List<String> headerWords(String modelText, String key) {
        String prefix = "\n" + key + "=";
        int at = modelText.indexOf(prefix);
        int treesAt = modelText.indexOf("\nTree=");
        if (at < 0 || (treesAt >= 0 && at > treesAt)) {
            return List.of();
        }
        int start = at + prefix.length();
        int end = modelText.indexOf('\n', start);
        return LightGbmTextParser.tokens(modelText.substring(start, end < 0 ? modelText.length() : end));
    }
}
