package org.hmis.predictions.lambda.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What started an invocation, parsed once from the raw event JSON: an EventBridge schedule (a rule's
 * "Scheduled Event" or a Scheduler target input {@code {"trigger":"schedule"}}), S3 ObjectCreated
 * records, an API Gateway HTTP API (payload 2.0) request, or a direct invoke with a small JSON body.
 */
public sealed interface Trigger {

    /** A scheduled run; {@code time} is when it was due, when the event says. */
    record Scheduled(String source, Optional<Instant> time) implements Trigger {}

    /** S3 ObjectCreated records (several per event), or a direct invoke naming {@code bucket} and {@code key}. */
    record ObjectsCreated(List<ObjectRef> objects) implements Trigger {
        public ObjectsCreated {
            objects = List.copyOf(objects);
        }
    }

    /** An HTTP API request; {@code body} is decoded text, empty when there was none. */
    record HttpRequest(String method, String path, String requestId, Optional<String> body) implements Trigger {
        /** The request body as JSON; an empty body is an empty object. */
        public JsonNode jsonBody() {
            if (body.isEmpty() || body.get().isBlank()) {
                return JsonNodeFactory.instance.objectNode();
            }
            try {
                JsonNode node = TriggerJson.MAPPER.readTree(body.get());
                if (!node.isObject()) {
                    throw new InvalidTriggerException("the request body must be a JSON object");
                }
                return node;
            } catch (IOException e) {
                throw new InvalidTriggerException("the request body is not JSON: " + e.getMessage(), e);
            }
        }
    }

    /** A direct invoke ({@code aws lambda invoke}) with any other JSON object, possibly empty. */
    record Direct(ObjectNode payload) implements Trigger {
        public Optional<String> text(String field) {
            JsonNode node = payload.get(field);
            return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
        }
    }

    static Trigger parse(InputStream event) {
        JsonNode root;
        try {
            root = TriggerJson.MAPPER.readTree(event);
        } catch (IOException e) {
            throw new InvalidTriggerException("the event is not JSON: " + e.getMessage(), e);
        }
        return parse(root);
    }

    static Trigger parse(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Direct(JsonNodeFactory.instance.objectNode());
        }
        if (!root.isObject()) {
            throw new InvalidTriggerException("the event must be a JSON object, was " + root.getNodeType());
        }
        if (root.has("Records")) {
            return parseS3(root.get("Records"));
        }
        if ("aws.events".equals(root.path("source").asText())
                || "Scheduled Event".equals(root.path("detail-type").asText())) {
            return new Scheduled("eventbridge-rule", parseTime(root.path("time").asText(null)));
        }
        if ("schedule".equals(root.path("trigger").asText())) {
            return new Scheduled(
                    "eventbridge-scheduler",
                    parseTime(root.path("scheduledTime").asText(null)));
        }
        if (root.path("requestContext").has("http")) {
            return parseHttp(root);
        }
        if (root.has("bucket") || root.has("key")) {
            return new ObjectsCreated(List.of(new ObjectRef(
                    root.path("bucket").asText(null), root.path("key").asText(null))));
        }
        return new Direct((ObjectNode) root);
    }

    private static Trigger parseS3(JsonNode records) {
        if (!records.isArray() || records.isEmpty()) {
            throw new InvalidTriggerException("the event's Records is empty or not a list");
        }
        List<ObjectRef> refs = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            if (!"aws:s3".equals(record.path("eventSource").asText())) {
                throw new InvalidTriggerException("record " + i + " is not an S3 event (eventSource '"
                        + record.path("eventSource").asText() + "')");
            }
            if (!record.path("eventName").asText().startsWith("ObjectCreated:")) {
                throw new InvalidTriggerException(
                        "record " + i + " is " + record.path("eventName").asText() + ", not ObjectCreated");
            }
            String bucket = record.path("s3").path("bucket").path("name").asText(null);
            String encodedKey = record.path("s3").path("object").path("key").asText(null);
            if (encodedKey == null) {
                throw new InvalidTriggerException("record " + i + " has no s3.object.key");
            }
            // S3 event keys are URL-encoded, with '+' for spaces.
            refs.add(new ObjectRef(bucket, URLDecoder.decode(encodedKey, StandardCharsets.UTF_8)));
        }
        return new ObjectsCreated(refs);
    }

    private static Trigger parseHttp(JsonNode root) {
        JsonNode http = root.path("requestContext").path("http");
        String body = root.path("body").asText(null);
        if (body != null && root.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidTriggerException("the request body is marked base64 but is not", e);
            }
        }
        return new HttpRequest(
                http.path("method").asText(),
                http.path("path").asText(root.path("rawPath").asText()),
                root.path("requestContext").path("requestId").asText(""),
                Optional.ofNullable(body));
    }

    private static Optional<Instant> parseTime(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new InvalidTriggerException("the schedule time '" + text + "' is not an ISO-8601 instant", e);
        }
    }
}
