package io.gatehouse.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.transport.UpstreamRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Checks the signatures against an independent implementation of AWS Signature Version 4, written
 * from AWS's description of the algorithm, rather than against the signing library itself.
 */
class SigV4CredentialTest {
    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-15T12:36:00Z"), ZoneOffset.UTC);
    private static final Pattern AUTHORIZATION =
            Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, "
                    + "SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");

    private final SigV4Credential credential = new SigV4Credential("us-west-2", "bedrock", KEY_ID, SECRET, null, CLOCK);

    @Test
    void signsTheRequestAsAwsSignatureVersion4Defines() {
        UpstreamRequest signed = credential.apply(request(
                "https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Bonjour\"}]}]}"));

        assertThat(signed.headers()).containsEntry("X-Amz-Date", "20241115T123600Z");
        Matcher auth = AUTHORIZATION.matcher(signed.headers().get("Authorization"));
        assertThat(auth.matches()).as(signed.headers().get("Authorization")).isTrue();
        assertThat(auth.group(1)).isEqualTo(KEY_ID);
        assertThat(auth.group(2)).isEqualTo("20241115");
        assertThat(auth.group(3)).isEqualTo("us-west-2");
        assertThat(auth.group(4)).isEqualTo("bedrock");
        assertThat(auth.group(5).split(";")).contains("host", "content-type", "x-amz-date");
        assertThat(auth.group(6)).isEqualTo(expectedSignature(signed, SECRET, "us-west-2", "bedrock"));
    }

    @Test
    void aDifferentBodyOrPathGivesADifferentSignature() {
        String url = "https://bedrock-runtime.us-west-2.amazonaws.com/model/m/converse";
        String one = signature(credential.apply(request(url, "{\"a\":1}")));
        String two = signature(credential.apply(request(url, "{\"a\":2}")));
        String three = signature(credential.apply(request(url + "-stream", "{\"a\":1}")));

        assertThat(one).isNotEqualTo(two).isNotEqualTo(three);
    }

    @Test
    void temporaryCredentialsSendAndSignTheSessionToken() {
        SigV4Credential temporary =
                new SigV4Credential("eu-central-1", "bedrock", KEY_ID, SECRET, "IQoJb3JpZ2luX2VjEXAMPLETOKEN", CLOCK);

        UpstreamRequest signed = temporary.apply(
                request("https://bedrock-runtime.eu-central-1.amazonaws.com/model/m/converse-stream", "{}"));

        assertThat(signed.headers()).containsEntry("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjEXAMPLETOKEN");
        Matcher auth = AUTHORIZATION.matcher(signed.headers().get("Authorization"));
        assertThat(auth.matches()).isTrue();
        assertThat(auth.group(5).split(";")).contains("x-amz-security-token");
        assertThat(auth.group(6)).isEqualTo(expectedSignature(signed, SECRET, "eu-central-1", "bedrock"));
    }

    @Test
    void signsANonDefaultPortIntoTheHost() {
        UpstreamRequest signed = credential.apply(request("http://127.0.0.1:41234/model/m/converse", "{}"));

        assertThat(signature(signed)).isEqualTo(expectedSignature(signed, SECRET, "us-west-2", "bedrock"));
    }

    @Test
    void keepsTheRequestsOwnHeadersBodyAndUri() {
        UpstreamRequest original = request("https://bedrock-runtime.us-west-2.amazonaws.com/model/m/converse", "{}");

        UpstreamRequest signed = credential.apply(original);

        assertThat(signed.uri()).isEqualTo(original.uri());
        assertThat(signed.body()).isSameAs(original.body());
        assertThat(signed.headers()).containsEntry("Content-Type", "application/json");
        // The transport sends the URI's host itself.
        assertThat(signed.headers().keySet())
                .containsExactlyInAnyOrder("Content-Type", "X-Amz-Date", "Authorization", "x-amz-content-sha256");
        assertThat(signed.headers()).containsEntry("x-amz-content-sha256", hex(sha256(original.body())));
    }

    @Test
    void neverPrintsTheSecret() {
        assertThat(credential.toString())
                .doesNotContain(SECRET)
                .doesNotContain(KEY_ID)
                .contains("us-west-2");
    }

    private static UpstreamRequest request(String uri, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        return new UpstreamRequest(
                URI.create(uri),
                headers,
                body.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }

    private static String signature(UpstreamRequest signed) {
        Matcher auth = AUTHORIZATION.matcher(signed.headers().get("Authorization"));
        assertThat(auth.matches()).isTrue();
        return auth.group(6);
    }

    /** Recomputes the signature of a signed POST from its URI, headers and body. */
    static String expectedSignature(UpstreamRequest signed, String secret, String region, String service) {
        Matcher auth = AUTHORIZATION.matcher(signed.headers().get("Authorization"));
        assertThat(auth.matches()).isTrue();
        List<String> signedHeaders = Arrays.asList(auth.group(5).split(";"));
        Map<String, String> headers = new TreeMap<>();
        signed.headers().forEach((name, value) -> headers.put(name.toLowerCase(), value));
        URI uri = signed.uri();
        boolean defaultPort = uri.getPort() == -1
                || (uri.getScheme().equals("https") && uri.getPort() == 443)
                || (uri.getScheme().equals("http") && uri.getPort() == 80);
        headers.put("host", defaultPort ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
        String canonicalHeaders = signedHeaders.stream()
                .map(name -> name + ":" + headers.get(name).trim().replaceAll(" +", " ") + "\n")
                .collect(Collectors.joining());
        String canonicalRequest = "POST\n"
                + canonicalUri(uri.getRawPath())
                + "\n"
                + (uri.getRawQuery() == null ? "" : uri.getRawQuery())
                + "\n"
                + canonicalHeaders
                + "\n"
                + auth.group(5)
                + "\n"
                + hex(sha256(signed.body()));
        String amzDate = headers.get("x-amz-date");
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    /** Every service but S3 encodes the already-encoded path once more. */
    private static String canonicalUri(String rawPath) {
        return Arrays.stream(rawPath.split("/", -1))
                .map(BedrockEndpoint::encodeSegment)
                .collect(Collectors.joining("/"));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
