package org.hmis.predictions.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameter values for the deployments the tests evaluate the template under: the answers `sam deploy --guided`
 * needs (placeholders in the AWS formats), with every optional parameter at its default, with every one set, or with
 * every choice that is on by default turned off.
 */
final class Deployments {
    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shelter-db-AbCdEf";
    static final String KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    /** Values for the parameters that have no default. */
    static final Map<String, String> REQUIRED = Map.of(
            "DbSecretArn", SECRET_ARN,
            "VpcId", "vpc-0123456789abcdef0",
            "SubnetIds", "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
            "FunctionSecurityGroupId", "sg-0123456789abcdef0",
            "PrivateRouteTableIds", "rtb-0123456789abcdef0,rtb-0fedcba9876543210");

    /** Every optional parameter given a value. */
    static final Map<String, String> OPTIONS = Map.of(
            "DbSecretKmsKeyArn", KMS_KEY_ARN,
            "DbHost", "shelter-db.cluster-c0ffee.us-east-1.rds.amazonaws.com",
            "DbName", "hmis",
            "AlarmEmail", "operations@shelter.example.org",
            "UpdateReservedConcurrency", "1");

    /** Every choice whose default is on, turned off: S3-managed keys, no endpoints made, schedules on. */
    static final Map<String, String> OTHER_CHOICES = Map.of(
            "CustomerManagedDataKey", "false",
            "CreateS3GatewayEndpoint", "false",
            "CreateSecretsManagerEndpoint", "false",
            "CreateLambdaEndpoint", "false",
            "ScheduleState", "ENABLED",
            "SnapStart", "true");

    private Deployments() {}

    static TemplateEvaluation defaults(Template template) {
        return TemplateEvaluation.of(template, REQUIRED);
    }

    static TemplateEvaluation everyOption(Template template) {
        Map<String, String> values = new LinkedHashMap<>(REQUIRED);
        values.putAll(OPTIONS);
        return TemplateEvaluation.of(template, values);
    }

    static TemplateEvaluation otherChoices(Template template) {
        Map<String, String> values = new LinkedHashMap<>(REQUIRED);
        values.putAll(OTHER_CHOICES);
        return TemplateEvaluation.of(template, values);
    }

    /** A deployment with one parameter changed from {@link #defaults}. */
    static TemplateEvaluation defaultsWith(Template template, String parameter, String value) {
        Map<String, String> values = new LinkedHashMap<>(REQUIRED);
        values.put(parameter, value);
        return TemplateEvaluation.of(template, values);
    }

    /** The three deployments, by name. */
    static Map<String, TemplateEvaluation> all(Template template) {
        Map<String, TemplateEvaluation> all = new LinkedHashMap<>();
        all.put("defaults", defaults(template));
        all.put("every option set", everyOption(template));
        all.put("other choices", otherChoices(template));
        return all;
    }
}
