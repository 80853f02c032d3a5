package io.gatehouse.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * A real HTTP server in the test JVM that speaks Bedrock runtime's wire format from fixtures:
 * Converse answers as JSON, ConverseStream answers as binary AWS event-stream frames, and errors as
 * {@code {"message"}} bodies with {@code x-amzn-ErrorType}. Like AWS, it checks every request's
 * Signature Version 4 by signing the request it received again with the secret it knows (using the
 * AWS SDK's signer) and answers 403 when the signatures differ. Thread-safe.
 */
public final class FakeBedrockUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpString ERROR_TYPE = HttpString.tryFromString("x-amzn-ErrorType");
    private static final HttpString REQUEST_ID = HttpString.tryFromString("x-amzn-RequestId");
    private static final Pattern AUTHORIZATION =
            Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, "
                    + "SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    /** Headers the signer adds itself from the identity, the clock and the body. */
    private static final Set<String> ADDED_BY_SIGNER =
            Set.of("host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token");

    /**
     * A request the fake received.
     *
     * @param rawPath the path as sent, still percent-encoded
     */
    public record Received(String rawPath, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Undertow server;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile String converse = Fixtures.text("bedrock/converse-text.json");
    private volatile List<byte[]> frames = frames("bedrock/converse-stream-text.jsonl");
    private volatile Duration frameInterval = Duration.ZERO;
    private volatile int errorStatus;
    private volatile String errorType = "";
    private volatile String errorBody = "";

    /** A fake that accepts requests signed for {@code region} with this key pair. */
    public FakeBedrockUpstream(String accessKeyId, String secretAccessKey, String region) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(8)
                .addHttpListener(0, "127.0.0.1", this::handle)
                .build();
        server.start();
    }

    /** The base URL to configure instead of {@code https://bedrock-runtime.{region}.amazonaws.com}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Answers Converse with the fixture at {@code fixturePath}. */
    public FakeBedrockUpstream converse(String fixturePath) {
        this.converse = Fixtures.text(fixturePath);
        return this;
    }

    /** Answers ConverseStream with the events of a JSON-lines fixture, {@code interval} apart. */
    public FakeBedrockUpstream stream(String fixturePath, Duration interval) {
        this.frames = frames(fixturePath);
        this.frameInterval = interval;
        return this;
    }

    /** Answers ConverseStream with these frames. */
    public FakeBedrockUpstream stream(List<byte[]> frames) {
        this.frames = List.copyOf(frames);
        return this;
    }

    /** Answers every correctly signed request with an error. */
    public FakeBedrockUpstream fail(int status, String errorType, String fixturePath) {
        this.errorType = errorType;
        this.errorBody = Fixtures.text(fixturePath);
        this.errorStatus = status;
        return this;
    }

    /** Back to the default answers, with nothing received, for the next test. */
    public FakeBedrockUpstream reset() {
        errorStatus = 0;
        converse = Fixtures.text("bedrock/converse-text.json");
        frames = frames("bedrock/converse-stream-text.jsonl");
        frameInterval = Duration.ZERO;
        received.clear();
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received lastReceived() {
        return received.get(received.size() - 1);
    }

    private void handle(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this::handle);
            return;
        }
        exchange.startBlocking();
        byte[] body = exchange.getInputStream().readAllBytes();
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString(), values.getFirst());
        }
        String rawPath = exchange.getRequestURI();
        received.add(new Received(rawPath, headers, new String(body, StandardCharsets.UTF_8)));
        exchange.getResponseHeaders().put(REQUEST_ID, UUID.randomUUID().toString());

        String rejection = checkSignature(exchange.getRequestMethod().toString(), rawPath, headers, body);
        if (rejection != null) {
            String type = rejection.equals("unknown key") ? "UnrecognizedClientException" : "InvalidSignatureException";
            answer(
                    exchange,
                    403,
                    type,
                    Fixtures.text(
                            type.equals("UnrecognizedClientException")
                                    ? "bedrock/error-unrecognized-client.json"
                                    : "bedrock/error-invalid-signature.json"));
            return;
        }
        if (errorStatus != 0) {
            answer(exchange, errorStatus, errorType, errorBody);
            return;
        }
        if (rawPath.endsWith("/converse")) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getOutputStream().write(converse.getBytes(StandardCharsets.UTF_8));
            exchange.endExchange();
            return;
        }
        if (!rawPath.endsWith("/converse-stream")) {
            answer(exchange, 404, "UnknownOperationException", "{}");
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/vnd.amazon.eventstream");
        OutputStream out = exchange.getOutputStream();
        try {
            boolean first = true;
            for (byte[] frame : frames) {
                if (!first && !frameInterval.isZero()) {
                    Thread.sleep(frameInterval);
                }
                first = false;
                out.write(frame);
                out.flush();
            }
            out.close();
        } catch (IOException e) {
            // the gateway went away
        }
    }

    private static void answer(HttpServerExchange exchange, int status, String errorType, String body)
            throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders()
                .put(ERROR_TYPE, errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        exchange.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        exchange.endExchange();
    }

    /** Why the request's signature is not acceptable, or null when it is. */
    private String checkSignature(String method, String rawPath, Map<String, String> headers, byte[] body) {
        String authorization = headers.get("Authorization");
        if (authorization == null) {
            return "no Authorization header";
        }
        Matcher auth = AUTHORIZATION.matcher(authorization);
        if (!auth.matches()) {
            return "malformed Authorization header";
        }
        if (!auth.group(1).equals(accessKeyId)) {
            return "unknown key";
        }
        if (!auth.group(3).equals(region) || !auth.group(4).equals("bedrock")) {
            return "wrong scope " + auth.group(3) + "/" + auth.group(4);
        }
        String amzDate = headers.get("X-Amz-Date");
        if (amzDate == null) {
            return "no X-Amz-Date";
        }
        Instant signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        if (Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
            return "signature expired";
        }
        String host = headers.get("Host");
        int colon = host.lastIndexOf(':');
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .protocol("http")
                .host(colon < 0 ? host : host.substring(0, colon))
                .port(colon < 0 ? 80 : Integer.parseInt(host.substring(colon + 1)))
                .encodedPath(rawPath);
        List<String> signedHeaders = new ArrayList<>(List.of(auth.group(5).split(";")));
        for (String name : signedHeaders) {
            if (!ADDED_BY_SIGNER.contains(name)) {
                request.putHeader(name, headers.get(name));
            }
        }
        String token = headers.get("X-Amz-Security-Token");
        AwsCredentialsIdentity identity = token == null
                ? AwsCredentialsIdentity.create(accessKeyId, secretAccessKey)
                : AwsSessionCredentialsIdentity.create(accessKeyId, secretAccessKey, token);
        String expected = AwsV4HttpSigner.create()
                .sign(sign -> sign.identity(identity)
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
                .request()
                .firstMatchingHeader("Authorization")
                .orElse("");
        return expected.equals(authorization) ? null : "signature mismatch";
    }

    private static List<byte[]> frames(String fixturePath) {
        List<byte[]> frames = new ArrayList<>();
        for (String line :
                Fixtures.text(fixturePath).lines().filter(l -> !l.isBlank()).toList()) {
            try {
                JsonNode event = JSON.readTree(line);
                String payload = event.get("payload").toString();
                frames.add(
                        event.has("exception")
                                ? EventStreamFrames.exception(
                                        event.get("exception").asText(), payload)
                                : EventStreamFrames.event(event.get("event").asText(), payload));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return frames;
    }

    @Override
    public void close() {
        server.stop();
    }
}
