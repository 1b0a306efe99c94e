package org.hmis.predictions.wrangle;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.hmis.predictions.common.db.RunStatus;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /runs/latest} and {@code GET /runs/{runId}} of the HTTP API: a run's status from {@code prediction_runs}
 * ({@link RunStatus}: {@code stalled} with the step last seen when a step of it stopped without finishing), 200 with
 * it; 404 for a run no wrangle started (or no run at all), 400 for a malformed run id,
 * 405 for another method, 503 when the database cannot be read. Every answer has a JSON body.
 */
final class RunStatusRequests {
    static final String PREFIX = "/runs/";
    static final String LATEST = "latest";
    private static final Logger LOG = LoggerFactory.getLogger(RunStatusRequests.class);

    private final DataSource dataSource;

    RunStatusRequests(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether {@code path} is one of the run status resources (a run id, well formed or not, or latest). */
    static boolean isRunPath(String path) {
        return path.startsWith(PREFIX) && path.length() > PREFIX.length() && path.indexOf('/', PREFIX.length()) < 0;
    }

    Map<String, Object> answer(Trigger.HttpRequest request) {
        String name = request.path().substring(PREFIX.length());
        String route = PREFIX + (name.equals(LATEST) ? LATEST : "{runId}");
        if (!"GET".equals(request.method())) {
            return WrangleApi.error(
                    405, request.method() + " is not allowed on " + route + "; use GET", Map.of("allow", "GET"));
        }
        RunId runId = null;
        if (!name.equals(LATEST)) {
            try {
                runId = RunId.parse(name);
            } catch (IllegalArgumentException e) {
                return WrangleApi.error(400, e.getMessage(), Map.of());
            }
        }
        Optional<RunStatus> status;
        try (Connection connection = dataSource.getConnection()) {
            status = runId == null ? RunStatus.latest(connection) : RunStatus.of(connection, runId);
        } catch (SQLException e) {
            LOG.error("the status of {} could not be read: {}", name, e.getMessage(), e);
            return WrangleApi.error(503, "the run's status could not be read, try again: " + e.getMessage(), Map.of());
        }
        if (status.isEmpty()) {
            return WrangleApi.error(
                    404, runId == null ? "no run has started yet" : "no run " + runId + " was ever started", Map.of());
        }
        return TriggerJson.httpResponse(200, status.get());
    }
}
