package org.hmis.predictions.lambda.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** The JSON mapper the handlers read events and write summaries with. */
public final class TriggerJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private TriggerJson() {}

    /** An HTTP API (payload 2.0) response with a JSON body. */
    public static java.util.Map<String, Object> httpResponse(int statusCode, Object body) {
        try {
            return java.util.Map.of(
                    "statusCode",
                    statusCode,
                    "headers",
                    java.util.Map.of("content-type", "application/json"),
                    "body",
                    MAPPER.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the response body is not serializable", e);
        }
    }

    public static void write(OutputStream out, Object value) {
        try {
            MAPPER.writeValue(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the function's response", e);
        }
    }
}
