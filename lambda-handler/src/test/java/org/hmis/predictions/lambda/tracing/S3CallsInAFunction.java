package org.hmis.predictions.lambda.tracing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A function's S3 calls in a JVM of their own, whose environment is the function's: builds a client as the functions
 * build theirs (naming no interceptor), writes an object and reads it back, then prints {@value #DONE}. See
 * {@link SdkCallTracingTest}.
 */
public final class S3CallsInAFunction {
    static final String DONE = "s3 calls done";
    static final String KEY = "traced/object.txt";

    private S3CallsInAFunction() {}

    /** Arguments: endpoint, region, access key, secret key, bucket. */
    public static void main(String[] args) {
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(args[0]))
                .region(Region.of(args[1]))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[2], args[3])))
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            s3.putObject(put -> put.bucket(args[4]).key(KEY), RequestBody.fromString("traced"));
            s3.getObjectAsBytes(get -> get.bucket(args[4]).key(KEY));
        }
        System.out.println(DONE);
    }
}
