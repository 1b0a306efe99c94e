package org.hmis.predictions.localservices;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** How to reach a running S3 API (local s3proxy or LocalStack). */
record S3Service(URI endpoint, String region, String accessKey, String secretKey) {

    static S3Service of(LocalS3 s3) {
        return new S3Service(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey());
    }

    /** A client as the functions build one for an S3-compatible endpoint: path-style, URL-connection HTTP. */
    S3Client newClient() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}
