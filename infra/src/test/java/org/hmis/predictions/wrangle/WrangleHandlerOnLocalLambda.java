package org.hmis.predictions.wrangle;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.net.URI;
import org.hmis.predictions.common.config.PipelineConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The deployed wrangle handler for infra's tests, with the asynchronous self-invocation it makes for POST /refresh
 * sent to a stand-in for Lambda's Invoke API. It lives in the handler's package because the constructor that
 * takes the invoker, and the invoker itself, are package-private there.
 */
public final class WrangleHandlerOnLocalLambda {
    private WrangleHandlerOnLocalLambda() {}

    public static RequestStreamHandler create(PipelineConfig config, URI lambdaEndpoint) {
        LambdaEventInvoker invoker = new LambdaEventInvoker(
                UrlConnectionHttpClient.create(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDINFRATEST", "infra-test-secret")),
                config.storage().region(),
                lambdaEndpoint);
        return new WrangleHandler(config, () -> invoker);
    }
}
