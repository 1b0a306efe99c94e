package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.infra.TemplateEvaluation.ResourceReference;
import org.junit.jupiter.api.Test;

/**
 * What the stack keeps of the guests' data, where and for how long. Wrangled parts hold each current guest's key
 * and features (race, ethnicity, gender, disability, income): pseudonymous special-category data. So the bucket is
 * private, encrypted under the stack's own key unless the operator chooses S3's, reachable from the VPC only
 * through an endpoint that allows this bucket alone, and expires parts (every version of them) while it keeps the
 * models and, for a while, the models they replaced; and no failed event outlives the part it names.
 */
class TemplateDataProtectionTest {
    /** The longest DataBucketPrefix for which the name still fits S3's 63 characters in every region. */
    static final int LONGEST_BUCKET_PREFIX = 26;

    private static final Template TEMPLATE = Template.load();
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final int DAY = 86_400;

    @Test
    void theBucketIsPrivateAndEncryptedWithTheStacksOwnKeyUnlessToldOtherwise() {
        Map<String, Object> bucket = TEMPLATE.properties("DataBucket");
        Map<String, Object> publicAccess = Template.map(bucket.get("PublicAccessBlockConfiguration"));
        for (String block :
                List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertEquals(true, publicAccess.get(block), block);
        }
        assertEquals("true", TEMPLATE.parameters().get("CustomerManagedDataKey").get("Default"), "SSE-KMS by default");
        for (Map.Entry<String, TemplateEvaluation> deployment :
                Deployments.all(TEMPLATE).entrySet()) {
            TemplateEvaluation d = deployment.getValue();
            Map<String, Object> encryption = Template.map(Template.list(Template.map(
                                    d.evaluate(bucket.get("BucketEncryption")).orElseThrow())
                            .get("ServerSideEncryptionConfiguration"))
                    .get(0));
            Map<String, Object> byDefault = Template.map(encryption.get("ServerSideEncryptionByDefault"));
            if (d.condition("UsesCustomerManagedDataKey")) {
                assertEquals("aws:kms", byDefault.get("SSEAlgorithm"), deployment.getKey());
                assertEquals(
                        new ResourceReference("DataKey", java.util.Optional.of("Arn")),
                        byDefault.get("KMSMasterKeyID"),
                        deployment.getKey() + ": the stack's own key");
                assertEquals(true, encryption.get("BucketKeyEnabled"), "one KMS request per batch, not per object");
            } else {
                assertEquals("AES256", byDefault.get("SSEAlgorithm"), deployment.getKey());
            }
        }
        Map<String, Object> key = TEMPLATE.resource("DataKey");
        assertEquals("UsesCustomerManagedDataKey", key.get("Condition"));
        assertEquals(true, TEMPLATE.properties("DataKey").get("EnableKeyRotation"));
        assertEquals(
                "RetainExceptOnCreate",
                key.get("DeletionPolicy"),
                "the key outlives `sam delete` with the bucket whose objects it decrypts");
        assertEquals("Retain", key.get("UpdateReplacePolicy"));

        TemplateEvaluation d = Deployments.defaults(TEMPLATE);
        Map<String, Object> policy =
                Template.map(d.evaluate(TEMPLATE.properties("DataBucketPolicy").get("PolicyDocument"))
                        .orElseThrow());
        Map<String, Object> denyInsecure =
                Template.map(Template.list(policy.get("Statement")).get(0));
        assertEquals("Deny", denyInsecure.get("Effect"));
        assertEquals(Map.of("Bool", Map.of("aws:SecureTransport", "false")), denyInsecure.get("Condition"));
        String name = d.string(bucket.get("BucketName"));
        assertEquals(List.of("arn:aws:s3:::" + name, "arn:aws:s3:::" + name + "/*"), denyInsecure.get("Resource"));
    }

    /**
     * `sam delete` keeps the bucket (it holds the models), a failed first deploy does not, and a stack deployed
     * again under the same name gets a bucket of its own instead of colliding with the kept one.
     */
    @Test
    void theBucketOutlivesSamDeleteButNotAFailedFirstDeployAndItsNameIsTheStacksOwn() {
        Map<String, Object> bucket = TEMPLATE.resource("DataBucket");
        assertEquals("RetainExceptOnCreate", bucket.get("DeletionPolicy"));
        assertEquals("Retain", bucket.get("UpdateReplacePolicy"));

        Object name = TEMPLATE.properties("DataBucket").get("BucketName");
        Map<String, Object> again = new HashMap<>(TemplateEvaluation.PSEUDO_PARAMETERS);
        again.put(
                "AWS::StackId",
                "arn:aws:cloudformation:us-east-1:123456789012:stack/exit-destination-refresh/"
                        + "7e6d5c4b-3a29-11f1-8f7e-0f1e2d3c4b5a");
        String first = Deployments.defaults(TEMPLATE).string(name);
        String second =
                TemplateEvaluation.of(TEMPLATE, Deployments.REQUIRED, again).string(name);
        assertNotEquals(first, second, "two stacks of the same name, one after the other");
        assertEquals("exit-destination-123456789012-us-east-1-0b1c2d3e", first);

        // The longest prefix in the region with the longest name is still a valid bucket name.
        Map<String, Object> longestRegion = new HashMap<>(TemplateEvaluation.PSEUDO_PARAMETERS);
        longestRegion.put("AWS::Region", "ap-southeast-7");
        Map<String, String> values = new LinkedHashMap<>(Deployments.REQUIRED);
        values.put("DataBucketPrefix", "a".repeat(LONGEST_BUCKET_PREFIX));
        String longest = TemplateEvaluation.of(TEMPLATE, values, longestRegion).string(name);
        assertTrue(BUCKET_NAME.matcher(longest).matches() && longest.length() <= 63, longest);
    }

    @Test
    void modelsAreVersionedAndKeptWhilePartsExpireWithEveryVersion() {
        Map<String, Object> bucket = TEMPLATE.properties("DataBucket");
        assertEquals(
                Map.of("Status", "Enabled"),
                bucket.get("VersioningConfiguration"),
                "an uploaded model keeps the one it replaced");
        Map<String, Object> expiry = new TreeMap<>();
        Map<String, Object> replacedExpiry = new TreeMap<>();
        boolean removesDeleteMarkers = false;
        for (Object rule :
                Template.list(Template.map(bucket.get("LifecycleConfiguration")).get("Rules"))) {
            Map<String, Object> r = Template.map(rule);
            assertEquals("Enabled", r.get("Status"), String.valueOf(r.get("Id")));
            String prefix = String.valueOf(r.getOrDefault("Prefix", ""));
            if (r.containsKey("ExpirationInDays")) {
                assertFalse(prefix.isEmpty(), "an expiry without a prefix would delete the models");
                expiry.put(prefix, r.get("ExpirationInDays"));
            }
            if (r.containsKey("NoncurrentVersionExpiration")) {
                replacedExpiry.put(
                        prefix,
                        Template.map(r.get("NoncurrentVersionExpiration")).get("NoncurrentDays"));
            }
            removesDeleteMarkers |= Boolean.TRUE.equals(r.get("ExpiredObjectDeleteMarker"));
        }
        assertEquals(
                Map.of(
                        RunKeys.WRANGLED_PREFIX, Map.of("Ref", "WrangledRetentionDays"),
                        RunKeys.PREDICTIONS_PREFIX, Map.of("Ref", "PredictionsRetentionDays")),
                expiry,
                "parts expire, models never");
        assertEquals(
                Map.of(
                        RunKeys.MODELS_PREFIX, Map.of("Ref", "ModelVersionRetentionDays"),
                        RunKeys.WRANGLED_PREFIX, 1,
                        RunKeys.PREDICTIONS_PREFIX, 1),
                replacedExpiry,
                "a replaced model is kept for rolling back; an expired part's version is gone a day later");
        assertTrue(removesDeleteMarkers, "the delete markers expiry leaves behind are removed");
        assertEquals(
                2,
                ((Number) TEMPLATE.parameters().get("WrangledRetentionDays").get("Default")).intValue(),
                "a wrangled part is predicted within minutes: two days by default");
    }

    /**
     * An event in the dead-letter queue names a part (predict's a wrangled one, update's a predictions one); once the
     * part has expired, replaying the event cannot work. So the queue keeps an event no longer than the part exists,
     * counted from the part's writing: the event may have waited up to MaximumEventAgeInSeconds before it failed.
     */
    @Test
    void noEventInTheDeadLetterQueueOutlivesThePartItNames() {
        Object retention = TEMPLATE.properties("FailedInvocationsQueue").get("MessageRetentionPeriod");
        int longestWait = TEMPLATE.functions().stream()
                .mapToInt(f -> ((Number) Template.map(f.properties().get("EventInvokeConfig"))
                                .get("MaximumEventAgeInSeconds"))
                        .intValue())
                .max()
                .orElseThrow();
        for (TemplateFunction f : TEMPLATE.functions()) {
            for (Map<String, Object> schedule : f.eventsOfType("ScheduleV2")) {
                int age =
                        ((Number) Template.map(schedule.get("RetryPolicy")).get("MaximumEventAgeInSeconds")).intValue();
                assertTrue(age <= longestWait, f.logicalId() + "'s schedule waits longer than the functions' events");
            }
        }
        List<Object> wrangledDays =
                Template.list(TEMPLATE.parameters().get("WrangledRetentionDays").get("AllowedValues"));
        int longestWrangled = 0;
        for (Object days : wrangledDays) {
            int d = ((Number) days).intValue();
            longestWrangled = Math.max(longestWrangled, d);
            int seconds =
                    Integer.parseInt(Deployments.defaultsWith(TEMPLATE, "WrangledRetentionDays", String.valueOf(d))
                            .string(retention));
            assertTrue(seconds >= 60 && seconds <= 14 * DAY, "SQS keeps messages 60 s to 14 days: " + seconds);
            assertTrue(
                    seconds + longestWait <= d * DAY,
                    "WrangledRetentionDays " + d + ": the queue keeps an event " + seconds
                            + " s, after it waited up to " + longestWait + " s, beyond the part's " + d + " days");
        }
        int shortestPredictions =
                ((Number) TEMPLATE.parameters().get("PredictionsRetentionDays").get("MinValue")).intValue();
        assertTrue(
                shortestPredictions >= longestWrangled,
                "predictions parts are kept at least as long as wrangled ones, so update's events are covered too");
    }

    /**
     * The S3 gateway endpoint lets the subnets behind it reach the data bucket and nothing else, with every action a
     * function in the VPC uses; no function in the VPC needs another bucket.
     */
    @Test
    void theS3GatewayEndpointReachesTheDataBucketOnly() {
        TemplateEvaluation d = Deployments.defaults(TEMPLATE);
        Map<String, Object> policy =
                Template.map(d.evaluate(TEMPLATE.properties("S3GatewayEndpoint").get("PolicyDocument"))
                        .orElseThrow());
        List<Object> statements = Template.list(policy.get("Statement"));
        assertEquals(1, statements.size());
        Map<String, Object> statement = Template.map(statements.get(0));
        assertEquals("Allow", statement.get("Effect"));
        assertNull(statement.get("NotResource"));
        assertEquals(
                List.of(new ResourceReference("DataBucket", java.util.Optional.of("Arn")), "${DataBucket.Arn}/*"),
                statement.get("Resource"),
                "the data bucket and its objects, nothing else");
        Set<String> allowed = new TreeSet<>();
        Template.list(statement.get("Action")).forEach(a -> allowed.add(String.valueOf(a)));

        Set<String> usedInTheVpc = new TreeSet<>();
        Set<String> usedAnywhere = new TreeSet<>();
        for (TemplateFunction f : TEMPLATE.functions()) {
            for (TemplatePermissionsTest.Grant grant : TemplatePermissionsTest.grants(f, d)) {
                if (grant.action().startsWith("s3:")) {
                    usedAnywhere.add(grant.action());
                    if (f.properties().containsKey("VpcConfig")) {
                        usedInTheVpc.add(grant.action());
                    }
                }
            }
        }
        assertTrue(allowed.containsAll(usedInTheVpc), "the endpoint refuses what a VPC function does: " + usedInTheVpc);
        assertTrue(usedAnywhere.containsAll(allowed), "the endpoint allows what no function does: " + allowed);
    }
}
