package org.hmis.predictions.wrangle;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.net.URI;
import org.hmis.predictions.common.config.PipelineConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The deployed wrangle handler for infra's tests, with the asynchronous self-invocation it makes for POST /refresh
 * sent to a stand-in for Lambda's Invoke API. It lives in the handler's package because the constructor that
 * takes the Lambda client is package-private there.
 */
public final class WrangleHandlerOnLocalLambda {
    private WrangleHandlerOnLocalLambda() {}

    public static RequestStreamHandler create(PipelineConfig config, URI lambdaEndpoint) {
        LambdaClient lambda = LambdaClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(lambdaEndpoint)
                .region(Region.of(config.storage().region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDINFRATEST", "infra-test-secret")))
                .build();
        return new WrangleHandler(config, () -> lambda);
    }
}
