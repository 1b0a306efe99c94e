package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The deployable jars hold only what their handler can reach: every project class in a jar is reached from its
 * handler (or from a provider its {@code META-INF/services} files or the AWS SDK's global interceptors file name)
 * through the references of the class files ({@link JarClassGraph}); no synthetic guests, training or benchmark code
 * in any, no S3 SDK where the step never touches S3, no JDBC driver where it never touches the database. Each jar's size is printed, so a change that bloats
 * one shows in the build log.
 */
class FunctionJarsTest {
    private static final Template TEMPLATE = Template.load();

    /** Packages that are never reachable from a handler. */
    private static final List<String> NEVER = List.of(
            "org/hmis/predictions/synthetic/",
            "org/hmis/predictions/training/",
            "org/hmis/predictions/benchmarks/",
            "org/hmis/predictions/localservices/",
            "org/hmis/predictions/runner/");

    private static final String PROJECT = "org/hmis/predictions/";
    private static final String S3_SDK = "software/amazon/awssdk/services/s3/";
    private static final String JDBC_DRIVER = "org/postgresql/";

    /** Per function module, what its step does not use, so its jar must not carry it. */
    private static final Map<String, List<String>> NOT_NEEDED = Map.of(
            "remove-exited-predictions", List.of(S3_SDK),
            "wrangle-step", List.of("org/flywaydb/"),
            "predict-step", List.of(JDBC_DRIVER, "com/zaxxer/hikari/", "org/flywaydb/"),
            "update-db-step", List.of("org/flywaydb/"));

    @Test
    void everyFunctionJarCarriesOnlyWhatItsHandlerReaches() throws IOException {
        List<TemplateFunction> functions = TEMPLATE.functions();
        assertEquals(
                NOT_NEEDED.keySet(),
                functions.stream().map(TemplateFunction::module).collect(java.util.stream.Collectors.toSet()));
        Map<String, List<String>> problems = new TreeMap<>();
        for (TemplateFunction function : functions) {
            assertTrue(Files.isRegularFile(function.jar()), function.jar() + " is not built");
            System.out.printf(
                    Locale.ROOT,
                    "%s.jar: %.1f MB%n",
                    function.module(),
                    Files.size(function.jar()) / (1024.0 * 1024.0));
            List<String> forbidden = new ArrayList<>(NEVER);
            forbidden.addAll(NOT_NEEDED.get(function.module()));
            List<String> found = new ArrayList<>();
            try (ZipFile jar = new ZipFile(function.jar().toFile())) {
                jar.stream()
                        .map(ZipEntry::getName)
                        .filter(name -> forbidden.stream().anyMatch(name::startsWith))
                        .limit(5)
                        .forEach(found::add);
            }
            if (!found.isEmpty()) {
                problems.put(function.module() + ".jar holds what its step never uses", found);
            }
            JarClassGraph graph = JarClassGraph.read(function.jar());
            Set<String> reached = reachedFromHandler(graph, function);
            List<String> unreachable = graph.classes().stream()
                    .filter(name -> name.startsWith(PROJECT))
                    .filter(name -> !reached.contains(name))
                    .map(name -> name.replace('/', '.'))
                    .sorted()
                    .toList();
            if (!unreachable.isEmpty()) {
                problems.put(
                        function.module() + ".jar holds project classes that neither " + function.handler()
                                + " nor a service provider of the jar reaches",
                        unreachable);
            }
            List<String> absent = graph.absentFrom(reached, PROJECT).stream()
                    .map(name -> name.replace('/', '.'))
                    .toList();
            if (!absent.isEmpty()) {
                problems.put(function.module() + ".jar lacks project classes its handler uses", absent);
            }
        }
        assertEquals(Map.of(), problems);
    }

    /** The classes the handler and the jar's service providers reach. */
    private static Set<String> reachedFromHandler(JarClassGraph graph, TemplateFunction function) {
        List<String> roots = new ArrayList<>(graph.serviceProviders());
        roots.add(function.handler().replaceFirst("::.*", "").replace('.', '/'));
        return graph.reachableFrom(roots);
    }
}
