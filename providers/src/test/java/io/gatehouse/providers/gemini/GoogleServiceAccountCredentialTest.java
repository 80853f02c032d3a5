package io.gatehouse.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.transport.UpstreamClient;
import io.gatehouse.providers.transport.UpstreamRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWT-bearer flow against a real HTTP token endpoint on loopback that checks the assertion's signature. */
class GoogleServiceAccountCredentialTest {
    private static final String EMAIL = "gatehouse@acme-prod-ai.iam.gserviceaccount.com";
    private static KeyPair keys;

    private HttpServer server;
    private final List<SignedJWT> assertions = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String[]> answers = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private UpstreamClient client;
    private ScheduledExecutorService scheduler;
    private GoogleServiceAccountCredential credential;

    @BeforeAll
    static void generateKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    /** A service account key file as Google issues them, for the test's own key pair. */
    static String keyFile(KeyPair keys, String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return """
                {
                  "type": "service_account",
                  "project_id": "acme-prod-ai",
                  "private_key_id": "3f8c2a91d5e04b7f9a6c1e2d8b4f7a0c5e9d1b23",
                  "private_key": "%s",
                  "client_email": "%s",
                  "client_id": "104857362910475839201",
                  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                  "token_uri": "%s",
                  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                  "universe_domain": "googleapis.com"
                }
                """.formatted(pem.replace("\n", "\\n"), EMAIL, tokenUri);
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        client = UpstreamClient.start(new UpstreamClient.Settings(Duration.ofSeconds(2), 4, 16));
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        if (credential != null) {
            credential.close();
        }
        hold.countDown();
        scheduler.shutdownNow();
        client.close();
        server.stop(0);
    }

    private String tokenUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private void answer(int status, String body) {
        answers.add(new String[] {String.valueOf(status), body});
    }

    private void token(HttpExchange exchange) throws IOException {
        try {
            hold.await(10, TimeUnit.SECONDS);
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> fields = new HashMap<>();
            for (String pair : form.split("&")) {
                String[] kv = pair.split("=", 2);
                fields.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (!"application/x-www-form-urlencoded".equals(contentType)) {
                failures.add("content type " + contentType);
            }
            if (!GoogleServiceAccountCredential.GRANT_TYPE.equals(fields.get("grant_type"))) {
                failures.add("grant_type " + fields.get("grant_type"));
            }
            SignedJWT jwt = SignedJWT.parse(fields.get("assertion"));
            if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))) {
                failures.add("signature does not verify");
            }
            assertions.add(jwt);
            String[] scripted = answers.poll();
            int status = scripted == null ? 200 : Integer.parseInt(scripted[0]);
            String body = scripted == null
                    ? "{\"access_token\":\"ya29.token-" + assertions.size()
                            + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"
                    : scripted[1];
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (Exception e) {
            failures.add(e.toString());
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    private GoogleServiceAccountCredential startCredential() {
        credential = GoogleServiceAccountCredential.start("vertex", keyFile(keys, tokenUri()), client, scheduler);
        return credential;
    }

    private static UpstreamRequest request() {
        return new UpstreamRequest(
                URI.create("https://us-central1-aiplatform.googleapis.com/v1/x"),
                Map.of(),
                new byte[0],
                Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    /** Waits until the credential can authorize a request and returns the header it adds. */
    private static String awaitAuthorization(GoogleServiceAccountCredential credential) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                return credential.apply(request()).headers().get("Authorization");
            } catch (ApiException e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no token within 10 s");
    }

    @Test
    void signsAnAssertionThatTheTokenEndpointVerifiesAndCachesTheToken() throws Exception {
        GoogleServiceAccountCredential credential = startCredential();

        assertThat(awaitAuthorization(credential)).isEqualTo("Bearer ya29.token-1");
        for (int i = 0; i < 50; i++) {
            assertThat(credential.apply(request()).headers()).containsEntry("Authorization", "Bearer ya29.token-1");
        }

        assertThat(failures).isEmpty();
        assertThat(assertions).hasSize(1);
        SignedJWT jwt = assertions.get(0);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("3f8c2a91d5e04b7f9a6c1e2d8b4f7a0c5e9d1b23");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(EMAIL);
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(tokenUri());
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope"))
                .isEqualTo("https://www.googleapis.com/auth/cloud-platform");
        long lifetime = jwt.getJWTClaimsSet().getExpirationTime().getTime()
                - jwt.getJWTClaimsSet().getIssueTime().getTime();
        assertThat(lifetime).isEqualTo(3_600_000);
    }

    @Test
    void aRequestBeforeTheFirstTokenFailsAtOnceWith503() throws Exception {
        hold = new CountDownLatch(1);
        GoogleServiceAccountCredential credential = startCredential();

        ApiError error = catchThrowableOfType(ApiException.class, () -> credential.apply(request()))
                .error();

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.code()).isEqualTo("upstream_credentials_pending");
        assertThat(error.message()).contains("'vertex'").contains("try again");
        hold.countDown();
        assertThat(awaitAuthorization(credential)).isEqualTo("Bearer ya29.token-1");
    }

    @Test
    void refreshesInTheBackgroundBeforeTheTokenExpires() throws Exception {
        answer(200, "{\"access_token\":\"ya29.short-lived\",\"expires_in\":2,\"token_type\":\"Bearer\"}");
        GoogleServiceAccountCredential credential = startCredential();

        assertThat(awaitAuthorization(credential)).isEqualTo("Bearer ya29.short-lived");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String authorization = "";
        while (System.nanoTime() < deadline && !authorization.equals("Bearer ya29.token-2")) {
            // Never a failed request in between: the new token arrives before the old one expires.
            authorization = credential.apply(request()).headers().get("Authorization");
            Thread.sleep(20);
        }

        assertThat(authorization).isEqualTo("Bearer ya29.token-2");
        assertThat(assertions).hasSize(2);
        assertThat(failures).isEmpty();
    }

    @Test
    void aRejectedAssertionFailsRequestsWith502WithoutDetailAndIsRetried() throws Exception {
        answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
        GoogleServiceAccountCredential credential = startCredential();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (assertions.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ApiError error = null;
        while (error == null || error.status() == 503) {
            error = catchThrowableOfType(ApiException.class, () -> credential.apply(request()))
                    .error();
            Thread.sleep(5);
        }

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.message())
                .contains("could not obtain an access token")
                .contains("administrator")
                .doesNotContain("invalid_grant");
        // The first retry comes a second later and succeeds.
        assertThat(awaitAuthorization(credential)).isEqualTo("Bearer ya29.token-2");
    }

    @Test
    void neitherTheKeyNorTheTokenAppearInToString() throws Exception {
        GoogleServiceAccountCredential credential = startCredential();
        awaitAuthorization(credential);
        ServiceAccountKey key = ServiceAccountKey.parse(keyFile(keys, tokenUri()));
        String modulus = ((RSAPublicKey) keys.getPublic()).getModulus().toString();

        assertThat(credential.toString()).doesNotContain("ya29").doesNotContain("PRIVATE");
        assertThat(key.toString())
                .contains(EMAIL)
                .doesNotContain(modulus.substring(0, 20))
                .doesNotContain("PRIVATE");
    }

    @Test
    void keyFileErrorsNameTheFieldAndNeverQuoteTheKey() {
        String valid = keyFile(keys, "https://oauth2.googleapis.com/token");

        assertThatThrownBy(() -> ServiceAccountKey.parse("not json"))
                .hasMessage("not JSON (expected: a Google service account key file)");
        assertThatThrownBy(() -> ServiceAccountKey.parse(valid.replace("\"service_account\"", "\"authorized_user\"")))
                .hasMessageStartingWith("type: \"authorized_user\" (expected: \"service_account\"");
        assertThatThrownBy(() -> ServiceAccountKey.parse(valid.replace("\"client_email\"", "\"email\"")))
                .hasMessageStartingWith("client_email: missing");
        String broken = valid.replace("-----BEGIN PRIVATE KEY-----\\n", "-----BEGIN PRIVATE KEY-----\\nAAAA");
        assertThatThrownBy(() -> ServiceAccountKey.parse(broken))
                .hasMessage("private_key: not a PEM-encoded PKCS#8 RSA private key");
        assertThatThrownBy(() -> ServiceAccountKey.parse(valid.replace("https://oauth2", "file://oauth2")))
                .hasMessageStartingWith("token_uri: \"file://oauth2.googleapis.com/token\"");
        assertThat(ServiceAccountKey.parse(valid.replace("\"token_uri\"", "\"other_uri\""))
                        .tokenUri())
                .isEqualTo(ServiceAccountKey.DEFAULT_TOKEN_URI);
    }
}
