package org.hmis.predictions.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LightGbmLibraryTest {

  @Test
  void loadsOnThisMachine() throws Exception {
    assertEquals("loaded", probe(Map.of()));
  }

  @Test
  void saysWhatTheLibraryNeedsWhenItCannotLoad(@TempDir Path emptyDirectory) throws Exception {
    // lightgbm4j loads from this directory instead of its jar when the variable is set; there is nothing there.
    String output = probe(Map.of("LIGHTGBM_NATIVE_LIB_PATH", emptyDirectory.toString()));
    assertTrue(output.startsWith("refused: LightGBM's native library did not load on "), output);
    assertTrue(output.contains("glibc 2.29 or newer"), output);
    assertTrue(output.contains("libgomp"), output);
  }

  /** Runs {@link NativeLoadProbe} in a fresh JVM, since a JVM loads a native library at most once. */
  private static String probe(Map<String, String> environment) throws IOException, InterruptedException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        NativeLoadProbe.class.getName()).redirectErrorStream(true);
    builder.environment().remove("LIGHTGBM_NATIVE_LIB_PATH");
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
    return output.lines().filter(line -> line.startsWith("loaded") || line.startsWith("refused: ")).findFirst()
        .orElse(output);
  }
}
