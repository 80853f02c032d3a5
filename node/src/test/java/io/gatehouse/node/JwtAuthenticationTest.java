package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.gatehouse.node.testing.TestIdentityProvider;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SSO tokens and gateway keys through a running node: real RS256/ES256 tokens signed with keys this
 * test generates, published by a real identity provider over HTTP on loopback.
 */
class JwtAuthenticationTest {
    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CI_KEY = "ci-key-0123456789abcdefghijklmnop";
    private static final String REVOKED_KEY = "revoked-0123456789abcdefghijklmnop";
    private static final String EXPIRED_KEY = "expired-0123456789abcdefghijklmnop";

    private static TestIdentityProvider idp;
    private static TestIdentityProvider keycloak;
    private static Node node;
    // HTTP/1.1: these tests are about credentials (h2c has its own test in HttpContractTest).
    private static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger attackerFetches = new AtomicInteger();
    private static com.sun.net.httpserver.HttpServer attacker;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdentityProvider();
        keycloak = new TestIdentityProvider();
        attacker = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", exchange -> {
            attackerFetches.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        attacker.start();
        node = TestNodes.start(
                """
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                  - name: other
                    deployments: [{ provider: mock }]
                auth:
                  jwt:
                    issuers:
                      - issuer: %s
                        jwks_url: %s
                        audiences: [gatehouse]
                        algorithms: [RS256, ES256]
                        clock_skew: 30s
                        tenant: acme
                      - issuer: %s
                        audiences: [gatehouse]
                        tenant_claim: org
                        groups_claim: realm_access.roles
                  api_keys:
                    - { name: ci, key: %s, tenant: acme, owner: ci@acme.example, models: [demo] }
                    - { name: old, key: %s, revoked: true }
                    - { name: temp, key: %s, expires_at: "2020-01-01T00:00:00Z" }
                """.formatted(idp.issuer(), idp.jwksUrl(), keycloak.issuer(), CI_KEY, REVOKED_KEY, EXPIRED_KEY));
        // Both issuers' keys are fetched in the background at start.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((idp.jwksFetches() == 0 || keycloak.jwksFetches() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
        idp.close();
        keycloak.close();
        attacker.stop(0);
    }

    private static HttpResponse<String> chat(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chatWithToken(String token) throws Exception {
        return chat("Bearer " + token);
    }

    private static HttpResponse<String> chatOn(Node target, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(target) + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aValidRs256TokenIsAccepted() throws Exception {
        HttpResponse<String> response = chatWithToken(idp.token("alice", List.of("eng")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("You said: hi");
    }

    @Test
    void aValidEs256TokenIsAccepted() throws Exception {
        assertThat(chatWithToken(idp.signEs256(idp.claims("alice").build())).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theOpenAiSdkAuthenticatesWithAnSsoToken() {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey(idp.token("alice", List.of("eng")))
                .maxRetries(0)
                .build();
        try {
            var completion = client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("demo")
                            .addUserMessage("hello")
                            .build());
            assertThat(completion.choices()).hasSize(1);
        } finally {
            client.close();
        }
    }

    @Test
    void aSecondIssuerFoundThroughDiscoveryWithNestedGroupsIsAccepted() throws Exception {
        String token = keycloak.sign(keycloak.claims("bob")
                .claim("org", "globex")
                .claim("realm_access", Map.of("roles", List.of("analysts")))
                .build());

        assertThat(chatWithToken(token).statusCode()).isEqualTo(200);
    }

    @Test
    void rotationIsPickedUpAtOnceThroughTheUnknownKeyIdAndRefreshesAreRateLimited() throws Exception {
        TestIdentityProvider rotating = new TestIdentityProvider();
        Node rotatingNode = TestNodes.start("""
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                auth:
                  jwt:
                    issuers:
                      - { issuer: %s, jwks_url: %s, audiences: [gatehouse] }
                """.formatted(rotating.issuer(), rotating.jwksUrl()));
        try {
            String beforeRotation = rotating.token("alice", List.of());
            assertThat(chatOn(rotatingNode, beforeRotation).statusCode()).isEqualTo(200);
            int fetches = rotating.jwksFetches();

            rotating.rotate();
            assertThat(chatOn(rotatingNode, rotating.token("alice", List.of())).statusCode())
                    .isEqualTo(200);
            assertThat(rotating.jwksFetches()).isEqualTo(fetches + 1);

            // Tokens naming keys nobody published do not make the gateway hammer the IdP.
            for (int i = 0; i < 5; i++) {
                assertThat(chatOn(rotatingNode, forgedWithUnknownKey()).statusCode())
                        .isEqualTo(401);
            }
            assertThat(rotating.jwksFetches()).isEqualTo(fetches + 1);
        } finally {
            rotatingNode.stop(Duration.ZERO);
            rotating.close();
        }
    }

    @Test
    void anIdpOutageDoesNotFailTokensSignedWithKnownKeys() throws Exception {
        keycloak.down(true);
        try {
            String token = keycloak.sign(keycloak.claims("bob").build());
            assertThat(chatWithToken(token).statusCode()).isEqualTo(200);
        } finally {
            keycloak.down(false);
        }
    }

    @Test
    void everyRefusalLooksTheSameToTheClient() throws Exception {
        HttpResponse<String> response = chatWithToken(
                idp.sign(idp.claims("alice").issuer("https://evil.example").build()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate")).contains("Bearer");
        assertThat(response.body())
                .isEqualTo(
                        "{\"error\":{\"message\":\"Invalid or expired credentials.\",\"type\":\"authentication_error\","
                                + "\"param\":null,\"code\":\"invalid_api_key\"}}");
    }

    @Test
    void noCredentialsIs401SayingWhatToSend() throws Exception {
        HttpResponse<String> response = chat(null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("Authorization: Bearer");
    }

    static Stream<Arguments> refusedTokens() {
        return Stream.of(
                Arguments.of("alg none", (Supplier<String>) () -> unsigned("none")),
                Arguments.of("alg None", (Supplier<String>) () -> unsigned("None")),
                Arguments.of("alg NONE", (Supplier<String>) () -> unsigned("NONE")),
                Arguments.of("HMAC signed with the public key (key confusion)", (Supplier<String>)
                        JwtAuthenticationTest::keyConfusion),
                Arguments.of(
                        "algorithm outside the allow-list (RS384)", (Supplier<String>) () -> TestIdentityProvider.sign(
                                idp.claims("alice").build(),
                                JWSAlgorithm.RS384,
                                TestIdentityProvider.kid(idp.rsaKey()),
                                TestIdentityProvider.signer(idp.rsaKey()))),
                Arguments.of("unknown kid", (Supplier<String>) JwtAuthenticationTest::forgedWithUnknownKey),
                Arguments.of("expired beyond the skew", (Supplier<String>) () -> idp.sign(idp.claims("alice")
                        .expirationTime(ago(Duration.ofMinutes(2)))
                        .build())),
                Arguments.of("not yet valid beyond the skew", (Supplier<String>) () -> idp.sign(idp.claims("alice")
                        .notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(2))))
                        .build())),
                Arguments.of("wrong issuer", (Supplier<String>) () ->
                        idp.sign(idp.claims("alice").issuer("https://evil").build())),
                Arguments.of("missing issuer", (Supplier<String>)
                        () -> idp.sign(idp.claims("alice").issuer(null).build())),
                Arguments.of("wrong audience", (Supplier<String>)
                        () -> idp.sign(idp.claims("alice").audience("other-app").build())),
                Arguments.of("missing audience", (Supplier<String>) () ->
                        idp.sign(idp.claims("alice").audience((String) null).build())),
                Arguments.of("missing exp", (Supplier<String>)
                        () -> idp.sign(idp.claims("alice").expirationTime(null).build())),
                Arguments.of("own jwk header", (Supplier<String>) JwtAuthenticationTest::withEmbeddedJwk),
                Arguments.of("own jku header", (Supplier<String>) () -> withKeyUrlHeader("jku")),
                Arguments.of("own x5u header", (Supplier<String>) () -> withKeyUrlHeader("x5u")),
                Arguments.of("unknown crit header", (Supplier<String>) () -> idp.sign(
                        idp.claims("alice").build(),
                        header -> header.keyID(idp.rsaKey().getKeyID())
                                .criticalParams(Set.of("urn:example:must-understand"))
                                .customParam("urn:example:must-understand", true))),
                Arguments.of("tampered payload", (Supplier<String>) JwtAuthenticationTest::tampered),
                Arguments.of("oversized", (Supplier<String>) () -> idp.sign(
                        idp.claims("alice").claim("padding", "x".repeat(20_000)).build())),
                Arguments.of("malformed", (Supplier<String>) () -> "eyJhbGciOiJSUzI1NiJ9.not-base64!.x"),
                Arguments.of("unknown gateway key", (Supplier<String>) () -> "sk-not-a-real-key-0123456789abcdef"),
                Arguments.of("revoked gateway key", (Supplier<String>) () -> REVOKED_KEY),
                Arguments.of("expired gateway key", (Supplier<String>) () -> EXPIRED_KEY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusesWith401(String name, Supplier<String> token) throws Exception {
        HttpResponse<String> response = chatWithToken(token.get());

        assertThat(response.statusCode()).as(name).isEqualTo(401);
        assertThat(response.body()).contains("Invalid or expired credentials.");
    }

    @Test
    void aTokenJustPastExpiryIsAcceptedWithinTheClockSkew() throws Exception {
        String token = idp.sign(
                idp.claims("alice").expirationTime(ago(Duration.ofSeconds(5))).build());

        assertThat(chatWithToken(token).statusCode()).isEqualTo(200);
    }

    @Test
    void keyUrlsInTokenHeadersAreNeverFetched() throws Exception {
        chatWithToken(withKeyUrlHeader("jku"));
        chatWithToken(withKeyUrlHeader("x5u"));

        assertThat(attackerFetches).hasValue(0);
    }

    @Test
    void aGatewayKeyIsAcceptedAsBearerAndAsXApiKey() throws Exception {
        assertThat(chat("Bearer " + CI_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> viaHeader = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .header("x-api-key", CI_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viaHeader.statusCode()).isEqualTo(200);
    }

    @Test
    void aGatewayKeyRestrictedToModelsIsRefusedOthersWith403() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + CI_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("\"demo\"", "\"other\"")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"type\":\"permission_error\"").contains("API key");
    }

    @Test
    void modelsNeedCredentialsToo() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/models"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static Date ago(Duration duration) {
        return Date.from(Instant.now().minus(duration));
    }

    private static String unsigned(String alg) {
        String header =
                Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").toString();
        String payload =
                Base64URL.encode(idp.claims("alice").build().toString()).toString();
        return header + "." + payload + ".";
    }

    private static String keyConfusion() {
        try {
            byte[] publicKey = idp.rsaKey().toRSAPublicKey().getEncoded();
            return TestIdentityProvider.sign(
                    idp.claims("alice").build(),
                    JWSAlgorithm.HS256,
                    TestIdentityProvider.kid(idp.rsaKey()),
                    new MACSigner(publicKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey attackerKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("attacker-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String forgedWithUnknownKey() {
        RSAKey key = attackerKey();
        return TestIdentityProvider.sign(
                idp.claims("alice").build(),
                JWSAlgorithm.RS256,
                header -> header.keyID("unpublished-" + System.nanoTime()),
                TestIdentityProvider.signer(key));
    }

    private static String withEmbeddedJwk() {
        RSAKey key = attackerKey();
        return TestIdentityProvider.sign(
                idp.claims("alice").build(),
                JWSAlgorithm.RS256,
                header -> header.keyID(key.getKeyID()).jwk(key.toPublicJWK()),
                TestIdentityProvider.signer(key));
    }

    private static String withKeyUrlHeader(String which) {
        RSAKey key = attackerKey();
        URI url = URI.create("http://127.0.0.1:" + attacker.getAddress().getPort() + "/keys");
        return TestIdentityProvider.sign(
                idp.claims("alice").build(),
                JWSAlgorithm.RS256,
                header -> which.equals("jku")
                        ? header.keyID(key.getKeyID()).jwkURL(url)
                        : header.keyID(key.getKeyID()).x509CertURL(url),
                TestIdentityProvider.signer(key));
    }

    private static String tampered() {
        String[] parts = idp.token("alice", List.of()).split("\\.");
        String claims = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8).replace("alice", "admin");
        return parts[0] + "." + Base64URL.encode(claims) + "." + parts[2];
    }
}
