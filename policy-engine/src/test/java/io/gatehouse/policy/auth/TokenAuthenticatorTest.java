package io.gatehouse.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.policy.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {
    private static final String ISSUER = "https://idp.example.test";

    private RSAKey key;
    private TokenAuthenticator authenticator;

    @BeforeEach
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        JWKSet published = new JWKSet(key.toPublicJWK());
        KeyFetcher fetcher = new KeyFetcher() {
            @Override
            JWKSet fetch(IssuerSettings issuer) {
                return published;
            }
        };
        IssuerSettings issuer = new IssuerSettings(
                ISSUER,
                null,
                Set.of("gatehouse"),
                List.of("RS256"),
                Duration.ofSeconds(30),
                "sub",
                null,
                "acme",
                "groups",
                Duration.ofMinutes(10));
        authenticator = TokenAuthenticator.start(List.of(issuer), List.of(), Clock.systemUTC(), fetcher);
    }

    @AfterEach
    void stop() {
        authenticator.close();
    }

    private String token(String subject) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience("gatehouse")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID("k1")
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aTokenVerifiedOnceIsNotVerifiedAgainWhileTrusted() throws Exception {
        String token = token("alice");

        Principal first = authenticator.authenticate(token).get(5, TimeUnit.SECONDS);
        Principal second = authenticator.authenticate(token).get(5, TimeUnit.SECONDS);

        assertThat(second).isEqualTo(first);
        assertThat(first.subject()).isEqualTo("alice");
        assertThat(first.tenant()).isEqualTo("acme");
        assertThat(authenticator.signatureChecks()).isEqualTo(1);
    }

    @Test
    void anotherTokenIsVerifiedOnItsOwn() throws Exception {
        authenticator.authenticate(token("alice")).get(5, TimeUnit.SECONDS);
        authenticator.authenticate(token("bob")).get(5, TimeUnit.SECONDS);

        assertThat(authenticator.signatureChecks()).isEqualTo(2);
    }

    @Test
    void aRefusedTokenIsNeverTrusted() throws Exception {
        String tampered = token("alice")
                .replaceFirst("\\.[^.]+\\.", "." + token("mallory").split("\\.")[1] + ".");

        assertThat(authenticator.authenticate(tampered)).isCompletedExceptionally();
        assertThat(authenticator.authenticate(tampered)).isCompletedExceptionally();
        assertThat(authenticator.signatureChecks()).isEqualTo(2);
    }
}
