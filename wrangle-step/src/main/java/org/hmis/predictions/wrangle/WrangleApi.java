package org.hmis.predictions.wrangle;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * The HTTP API wrangle-step answers (API Gateway HTTP API, payload 2.0): {@code POST /refresh}
 * ({@link RefreshRequests}), {@code GET /runs/latest} and {@code GET /runs/{runId}} ({@link RunStatusRequests});
 * another path is answered 404. Every answer, an error's too, has a JSON body; an error's is
 * {@code {"error": ...}}.
 */
final class WrangleApi {
    private final RefreshRequests refresh;
    private final RunStatusRequests runStatus;

    WrangleApi(RefreshRequests refresh, RunStatusRequests runStatus) {
        this.refresh = refresh;
        this.runStatus = runStatus;
    }

    Map<String, Object> answer(Trigger.HttpRequest request, Context context) {
        if (RunStatusRequests.isRunPath(request.path())) {
            return runStatus.answer(request);
        }
        if (RefreshRequests.PATH.equals(request.path())) {
            return refresh.answer(request, context);
        }
        return error(
                404,
                "no such resource: " + request.path() + "; the API has POST " + RefreshRequests.PATH + ", GET "
                        + RunStatusRequests.PREFIX + RunStatusRequests.LATEST + " and GET "
                        + RunStatusRequests.PREFIX + "{runId}",
                Map.of());
    }

    /** An answer with the JSON body {@code {"error": message}} and any headers besides the content type. */
    static Map<String, Object> error(int status, String message, Map<String, String> extraHeaders) {
        Map<String, Object> response = new LinkedHashMap<>(TriggerJson.httpResponse(status, Map.of("error", message)));
        if (!extraHeaders.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, String> headers = new LinkedHashMap<>((Map<String, String>) response.get("headers"));
            headers.putAll(extraHeaders);
            response.put("headers", headers);
        }
        return response;
    }
}
