package org.hmis.predictions.lightgbm;

import com.microsoft.ml.lightgbm.lightgbmlib;
import io.github.metarank.lightgbm4j.LGBMBooster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Loads LightGBM's native library (bundled in lightgbm4j) once per JVM and turns every way it can fail into
 * one clear error. lightgbm4j's own loader logs and swallows a failed link on Linux, which would otherwise
 * surface later as an {@link UnsatisfiedLinkError} on the first native call.
 */
public final class LightGbmLibrary {

    private static final String REQUIREMENTS = "lightgbm4j 4.3.0 needs Linux on x86_64 or aarch64 with glibc 2.29 or "
            + "newer and libgomp (GNU OpenMP) installed";
    private static final String TEMP_DIRECTORY_PROPERTY = "java.io.tmpdir";

    private static boolean attempted;

    private LightGbmLibrary() {}

    /**
     * Loads the library if this JVM has not yet; throws {@link IllegalStateException} naming what is missing. Call
     * it before touching any lightgbm4j class: their static initialisers load the library too.
     */
    public static synchronized void ensureLoaded() {
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        try {
            loadFromPrivateDirectory();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "lightgbm4j is missing or failed to initialise (" + e.getMessage()
                            + "): this function needs io.github.metarank:lightgbm4j on its classpath, and "
                            + REQUIREMENTS,
                    e);
        } catch (IOException | LinkageError e) {
            throw new IllegalStateException(
                    "LightGBM's native library did not load on " + platform + ": " + e.getMessage() + "; "
                            + REQUIREMENTS,
                    e);
        }
        if (!LGBMBooster.isNativeLoaded()) {
            throw new IllegalStateException("LightGBM's native library did not load on " + platform + "; "
                    + REQUIREMENTS + " (lightgbm4j's loader logged its own message, logger "
                    + "io.github.metarank.lightgbm4j.LGBMBooster)");
        }
    }

    /**
     * lightgbm4j extracts its libraries to fixed names in the temp directory. Another JVM on the same machine
     * rewriting those files while this one runs code from them crashes this one (SIGSEGV), so the extraction goes to
     * a directory of this JVM's own. The loaded files are deleted at once where the OS allows (Linux keeps the
     * mapping), else at exit.
     */
    private static void loadFromPrivateDirectory() throws IOException {
        if (attempted) {
            return;
        }
        attempted = true;
        Path directory = Files.createTempDirectory("lightgbm4j-");
        String sharedTempDirectory = System.getProperty(TEMP_DIRECTORY_PROPERTY);
        System.setProperty(TEMP_DIRECTORY_PROPERTY, directory.toString());
        try {
            LGBMBooster.loadNative();
        } finally {
            System.setProperty(TEMP_DIRECTORY_PROPERTY, sharedTempDirectory);
            delete(directory);
        }
    }

    /** Deletes the extracted files and their directory, or, where the OS refuses while they are in use, at exit. */
    private static void delete(Path directory) throws IOException {
        // deleteOnExit deletes in reverse order of registration: the directory after its files.
        directory.toFile().deleteOnExit();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(Path::toFile).filter(file -> !file.delete()).forEach(File::deleteOnExit);
        }
        directory.toFile().delete();
    }

    /** The message LightGBM left for the last failed call on this thread. */
    static String lastError() {
        return lightgbmlib.LGBM_GetLastError();
    }
}
