package io.gatehouse.node.testing;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Google OAuth 2.0 token endpoint on loopback for the JWT-bearer grant: it holds the public half
 * of a key pair it generates, hands out a service account key file with the private half, verifies
 * each assertion's RS256 signature and answers with an access token ({@code ya29.test-token-N}).
 * Thread-safe.
 */
public final class FakeGoogleTokenEndpoint implements AutoCloseable {
    public static final String CLIENT_EMAIL = "gatehouse@acme-prod-ai.iam.gserviceaccount.com";

    /** One token request: the assertion it carried, whether its signature verified, and the token given. */
    public record Issued(
            String contentType,
            String grantType,
            JWSHeader header,
            JWTClaimsSet claims,
            boolean verified,
            String token) {}

    private final KeyPair keys;
    private final Undertow server;
    private final List<Issued> issued = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    public FakeGoogleTokenEndpoint() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(4)
                .addHttpListener(0, "127.0.0.1", this::handle)
                .build();
        server.start();
    }

    public String tokenUri() {
        return "http://127.0.0.1:"
                + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort() + "/token";
    }

    /** A service account JSON key, as Google issues them, whose private key this endpoint trusts. */
    public String serviceAccountKey() {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return """
                {
                  "type": "service_account",
                  "project_id": "acme-prod-ai",
                  "private_key_id": "9b1d4e7a2c6f8e0b3d5a7c9e1f2b4d6a8c0e2f4b",
                  "private_key": "%s",
                  "client_email": "%s",
                  "client_id": "113958204719385720461",
                  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                  "token_uri": "%s",
                  "universe_domain": "googleapis.com"
                }
                """.formatted(pem.replace("\n", "\\n"), CLIENT_EMAIL, tokenUri());
    }

    /** Token requests wait until {@link #release()}. */
    public void hold() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        hold.countDown();
    }

    public List<Issued> issued() {
        return List.copyOf(issued);
    }

    private void handle(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this::handle);
            return;
        }
        exchange.startBlocking();
        hold.await(10, TimeUnit.SECONDS);
        String form = new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> fields = new HashMap<>();
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(kv[0], kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        SignedJWT assertion;
        try {
            assertion = SignedJWT.parse(fields.getOrDefault("assertion", ""));
        } catch (java.text.ParseException e) {
            exchange.setStatusCode(400);
            exchange.getOutputStream()
                    .write("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT.\"}"
                            .getBytes(StandardCharsets.UTF_8));
            exchange.endExchange();
            return;
        }
        boolean verified = assertion.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()));
        String token = "ya29.test-token-" + (issued.size() + 1);
        issued.add(new Issued(
                exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE),
                fields.get("grant_type"),
                assertion.getHeader(),
                assertion.getJWTClaimsSet(),
                verified,
                token));
        if (!verified) {
            exchange.setStatusCode(400);
            exchange.getOutputStream()
                    .write("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}"
                            .getBytes(StandardCharsets.UTF_8));
            exchange.endExchange();
            return;
        }
        exchange.getOutputStream()
                .write(("{\"access_token\":\"" + token + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")
                        .getBytes(StandardCharsets.UTF_8));
        exchange.endExchange();
    }

    @Override
    public void close() {
        hold.countDown();
        server.stop();
    }
}
