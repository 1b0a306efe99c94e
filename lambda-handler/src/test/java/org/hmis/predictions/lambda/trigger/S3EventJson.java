package org.hmis.predictions.lambda.trigger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Builds the S3 ObjectCreated notification that S3 would send for objects just written, keys URL-encoded
 * as S3 encodes them. The local runner chains its steps through these, so it exercises the same
 * event shape and decoding as the cloud.
 */
public final class S3EventJson {
    private S3EventJson() {}

    public static ObjectNode objectCreated(String bucket, List<String> keys) {
        ObjectNode event = TriggerJson.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        String now = Instant.now().toString();
        for (String key : keys) {
            ObjectNode record = records.addObject();
            record.put("eventVersion", "2.1");
            record.put("eventSource", "aws:s3");
            record.put("awsRegion", "us-east-1");
            record.put("eventTime", now);
            record.put("eventName", "ObjectCreated:Put");
            ObjectNode s3 = record.putObject("s3");
            s3.put("s3SchemaVersion", "1.0");
            s3.putObject("bucket").put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
            s3.putObject("object")
                    .put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        }
        return event;
    }
}
