package io.gatehouse.providers.bedrock;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Credential;
import io.gatehouse.providers.transport.UpstreamRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Signs each request with AWS Signature Version 4, using the AWS SDK's standalone signer: the
 * signature covers the method, the encoded path, the host, the headers the gateway sends and the
 * SHA-256 of the exact body bytes, and adds {@code Authorization}, {@code X-Amz-Date} and, with
 * temporary credentials, {@code X-Amz-Security-Token}. Signing is CPU work on bytes already in
 * memory with credentials fixed at start, so it never blocks. Thread-safe and immutable; {@link
 * #toString()} names only the region and service.
 */
public final class SigV4Credential implements Credential {
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsIdentity identity;
    private final String region;
    private final String service;
    private final Clock clock;

    /**
     * @param region the AWS region the requests go to, such as {@code us-east-1}
     * @param service the signing name of the service ({@code bedrock})
     * @param sessionToken the session token of temporary credentials, or null
     */
    public SigV4Credential(
            String region,
            String service,
            String accessKeyId,
            String secretAccessKey,
            @Nullable String sessionToken,
            Clock clock) {
        this.region = requireNonNull(region, "region");
        this.service = requireNonNull(service, "service");
        requireNonNull(accessKeyId, "accessKeyId");
        requireNonNull(secretAccessKey, "secretAccessKey");
        this.identity = sessionToken == null
                ? AwsCredentialsIdentity.create(accessKeyId, secretAccessKey)
                : AwsSessionCredentialsIdentity.create(accessKeyId, secretAccessKey, sessionToken);
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public UpstreamRequest apply(UpstreamRequest request) {
        requireNonNull(request, "request");
        SdkHttpRequest.Builder http =
                SdkHttpRequest.builder().uri(request.uri()).method(SdkHttpMethod.POST);
        request.headers().forEach(http::putHeader);
        byte[] body = request.body();
        SignedRequest signed = signer.sign(sign -> sign.identity(identity)
                .request(http.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        // Keep the gateway's headers and add what the signer added (Authorization, X-Amz-Date,
        // x-amz-content-sha256, X-Amz-Security-Token). Host is left to the transport, which sends
        // the one the signer read from the same URI.
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        signed.request().forEachHeader((name, values) -> {
            if (!request.headers().containsKey(name) && !name.equalsIgnoreCase("Host")) {
                headers.put(name, String.join(",", values));
            }
        });
        return new UpstreamRequest(request.uri(), headers, body, request.firstByteTimeout(), request.idleTimeout());
    }

    @Override
    public String toString() {
        return "SigV4Credential[" + service + " in " + region + "]";
    }
}
