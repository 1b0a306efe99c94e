package org.hmis.predictions.diagrams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;

/**
 * The renders in diagrams/rendered/, which the READMEs show, are those of the current sources: PlantUML writes the
 * source (compressed) and its own version into every SVG, and the build's fresh renders must carry the same. Pixels
 * are not compared, as fonts differ between machines.
 */
class RenderedDiagramsTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path COMMITTED = MODULE.resolve("rendered");
    private static final Path BUILT =
            Path.of(System.getProperty("diagrams.rendered", "target/rendered")).toAbsolutePath();
    /** {@code <?plantuml VERSION?>} and {@code <?plantuml-src ENCODED-SOURCE?>}. */
    private static final Pattern STAMP = Pattern.compile("<\\?plantuml(-src)? ([^?]+)\\?>");

    private static final String REFRESH =
            "refresh them: ./mvnw -B -q -pl diagrams compile && cp diagrams/target/rendered/*.svg diagrams/rendered/";

    @Test
    void everySourceHasOneCommittedRenderAndNothingElseIsThere() {
        Set<String> sources = names(MODULE, ".puml");
        assertTrue(sources.size() >= 3, "the architecture and the two flows: " + sources);
        assertEquals(sources, names(BUILT, ".svg"), "the build renders every source");
        assertEquals(sources, names(COMMITTED, ".svg"), "diagrams/rendered/ holds one render per source; " + REFRESH);
    }

    @TestFactory
    Stream<DynamicTest> committedRendersAreOfTheCurrentSources() {
        return names(MODULE, ".puml").stream()
                .map(name -> DynamicTest.dynamicTest(name, () -> {
                    Path committed = COMMITTED.resolve(name + ".svg");
                    assertTrue(Files.exists(committed), committed + " is missing; " + REFRESH);
                    assertEquals(
                            stamps(BUILT.resolve(name + ".svg")),
                            stamps(committed),
                            committed + " is not the render of the current " + name + ".puml; " + REFRESH);
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyCommittedRenderIsAnSvgImage() {
        return names(COMMITTED, ".svg").stream()
                .map(name -> DynamicTest.dynamicTest(name, () -> {
                    Path svg = COMMITTED.resolve(name + ".svg");
                    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                    factory.setNamespaceAware(true);
                    Element root =
                            factory.newDocumentBuilder().parse(svg.toFile()).getDocumentElement();
                    assertEquals("svg", root.getLocalName());
                    String[] viewBox = root.getAttribute("viewBox").split(" ", -1);
                    assertTrue(
                            Double.parseDouble(viewBox[2]) > 100 && Double.parseDouble(viewBox[3]) > 100,
                            svg + " is an empty image");
                    String text = Files.readString(svg);
                    assertTrue(
                            !text.contains("Syntax Error") && !text.contains("Please use CSS style"),
                            svg + " shows a PlantUML complaint");
                }));
    }

    /** diagrams/README.md shows every render. */
    @Test
    void theDiagramsReadmeShowsEveryRender() throws IOException {
        String readme = Files.readString(MODULE.resolve("README.md"));
        for (String name : names(COMMITTED, ".svg")) {
            assertTrue(
                    readme.contains("](rendered/" + name + ".svg)"),
                    "diagrams/README.md does not show rendered/" + name + ".svg");
        }
    }

    private static List<String> stamps(Path svg) throws IOException {
        Matcher m = STAMP.matcher(Files.readString(svg));
        List<String> stamps = m.results()
                .map(r -> (r.group(1) == null ? "version " : "source ") + r.group(2))
                .toList();
        assertEquals(2, stamps.size(), svg + " lacks PlantUML's version and source stamps");
        return stamps;
    }

    private static Set<String> names(Path directory, String extension) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(extension))
                    .map(n -> n.substring(0, n.length() - extension.length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }
}
