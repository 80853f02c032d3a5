package io.gatehouse.node.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real OIDC-style identity provider for tests: an HTTP server on loopback publishing its discovery
 * document and JWKS, and signing tokens with keys generated here (RS256 and ES256). Keys can be
 * rotated and the server taken down, to test rotation and outages. Thread-safe.
 */
public final class TestIdentityProvider implements AutoCloseable {
    private final Undertow server;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private volatile RSAKey rsa = newRsaKey();
    private final ECKey ec = newEcKey();
    private volatile List<JWK> published = List.of(rsa, ec);
    private volatile boolean down;

    public TestIdentityProvider() {
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(2)
                .addHttpListener(0, "127.0.0.1", exchange -> {
                    if (down) {
                        exchange.setStatusCode(503);
                        exchange.endExchange();
                        return;
                    }
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    switch (exchange.getRequestPath()) {
                        case "/.well-known/openid-configuration" ->
                            exchange.getResponseSender()
                                    .send("{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks\"}");
                        case "/jwks" -> {
                            jwksFetches.incrementAndGet();
                            exchange.getResponseSender()
                                    .send(new JWKSet(published).toPublicJWKSet().toString());
                        }
                        default -> {
                            exchange.setStatusCode(404);
                            exchange.endExchange();
                        }
                    }
                })
                .build();
        server.start();
    }

    private static RSAKey newRsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey newEcKey() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer URL (also the base of its discovery document). */
    public String issuer() {
        return "http://127.0.0.1:"
                + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    public String jwksUrl() {
        return issuer() + "/jwks";
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** The current RSA signing key (with its private part), for tests that forge tokens. */
    public RSAKey rsaKey() {
        return rsa;
    }

    /** Replaces the RSA signing key with a new one (new kid) and publishes only the new keys. */
    public void rotate() {
        rsa = newRsaKey();
        published = List.of(rsa, ec);
    }

    /** Makes the server answer 503 to everything (an IdP outage). */
    public void down(boolean down) {
        this.down = down;
    }

    /** Standard claims for {@code subject}: iss, aud gatehouse, exp in 5 minutes, iat now. */
    public JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer())
                .subject(subject)
                .audience("gatehouse")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    /** An RS256 token for {@code subject} in {@code groups}. */
    public String token(String subject, List<String> groups) {
        return sign(claims(subject).claim("groups", new ArrayList<>(groups)).build());
    }

    /** Signs with the current RSA key, naming its key id. */
    public String sign(JWTClaimsSet claims) {
        return sign(claims, kid(rsa));
    }

    /** Signs with the RSA key, letting the test alter the header first. */
    public String sign(JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
        return sign(claims, JWSAlgorithm.RS256, header, signer(rsa));
    }

    /** Signs with the EC key (ES256). */
    public String signEs256(JWTClaimsSet claims) {
        try {
            return sign(claims, JWSAlgorithm.ES256, kid(ec), new ECDSASigner(ec));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(
            JWTClaimsSet claims, JWSAlgorithm algorithm, UnaryOperator<JWSHeader.Builder> header, JWSSigner signer) {
        try {
            JWSHeader.Builder builder = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT);
            SignedJWT jwt = new SignedJWT(header.apply(builder).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JWSSigner signer(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key id header for {@code key}. */
    public static UnaryOperator<JWSHeader.Builder> kid(JWK key) {
        return header -> header.keyID(key.getKeyID());
    }

    @Override
    public void close() {
        server.stop();
    }
}
