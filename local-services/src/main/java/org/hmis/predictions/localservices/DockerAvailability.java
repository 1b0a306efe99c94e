package org.hmis.predictions.localservices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can run containers here. Testcontainers is asked only where a Docker daemon could be
 * configured at all; otherwise its probe would log an error with every strategy it tried, on every machine
 * without Docker.
 */
final class DockerAvailability {
    private static volatile Boolean available;

    private DockerAvailability() {}

    static boolean isAvailable() {
        Boolean known = available;
        if (known == null) {
            known = mayBeConfigured() && DockerClientFactory.instance().isDockerAvailable();
            available = known;
        }
        return known;
    }

    private static boolean mayBeConfigured() {
        if (Settings.get("DOCKER_HOST").isPresent()) {
            return true;
        }
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                home.resolve(".docker/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock"),
                home.resolve(".testcontainers.properties")));
        Settings.get("XDG_RUNTIME_DIR").ifPresent(runtime -> candidates.add(Path.of(runtime, "docker.sock")));
        return candidates.stream().anyMatch(Files::exists);
    }
}
