package org.hmis.predictions.wrangle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Starts a Lambda function asynchronously: the Invoke API with {@code X-Amz-Invocation-Type: Event}, which
 * queues the event and answers 202 at once; Lambda then runs the function and retries it on failure.
 *
 * <p>It speaks the one API call itself, signed with the SDK's SigV4 signer and sent on the URL-connection client
 * the other AWS calls use, because the SDK's Lambda client is not available at the SDK version this build pins
 * (the registry holds it only up to an older release); a mixed-version SDK is worse than one request's code.
 */
final class LambdaEventInvoker implements AutoCloseable {
    private static final String SERVICE = "lambda";
    private static final int ACCEPTED = 202;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;

    LambdaEventInvoker(SdkHttpClient http, AwsCredentialsProvider credentials, String region, URI endpoint) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
    }

    /** The region's Lambda endpoint, with the function's own credentials (its role, from the environment). */
    static LambdaEventInvoker forRegion(String region) {
        String dnsSuffix = PartitionMetadata.of(Region.of(region)).dnsSuffix();
        return new LambdaEventInvoker(
                UrlConnectionHttpClient.create(),
                DefaultCredentialsProvider.builder().build(),
                region,
                URI.create("https://" + SERVICE + "." + region + "." + dnsSuffix));
    }

    /**
     * Queues {@code payload} as an event for {@code function} (a name or an ARN, with a qualifier if any).
     *
     * @throws LambdaInvokeException when Lambda does not accept the event, with its status and message
     */
    void invokeAsync(String function, byte[] payload) {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath("/2015-03-31/functions/" + SdkHttpUtils.urlEncode(function) + "/invocations")
                .putHeader("X-Amz-Invocation-Type", "Event")
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(payload.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(sign -> sign.identity(credentials.resolveCredentials())
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(payload))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(signed.request())
                            .contentStreamProvider(signed.payload().orElse(null))
                            .build())
                    .call();
            String body =
                    response.responseBody().map(LambdaEventInvoker::readAll).orElse("");
            int status = response.httpResponse().statusCode();
            if (status != ACCEPTED) {
                String type = response.httpResponse()
                        .firstMatchingHeader("X-Amzn-ErrorType")
                        .orElse("no error type");
                throw new LambdaInvokeException("Lambda did not queue the event for " + function + ": HTTP " + status
                        + " (" + type + ") " + body);
            }
        } catch (IOException e) {
            throw new LambdaInvokeException(
                    "could not reach Lambda at " + endpoint + " to start " + function + ": " + e.getMessage(), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /** Lambda refused or could not be reached; the message says which and why. */
    static final class LambdaInvokeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LambdaInvokeException(String message) {
            super(message);
        }

        LambdaInvokeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
