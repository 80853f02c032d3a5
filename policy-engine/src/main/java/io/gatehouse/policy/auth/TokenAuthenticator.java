package io.gatehouse.policy.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.policy.AuthenticationException;
import io.gatehouse.policy.Authenticator;
import io.gatehouse.policy.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates SSO JWTs from several trusted issuers and gateway API keys. A token that looks like
 * a JWT is verified by the issuer its {@code iss} names; anything else is looked up as a gateway key
 * by its SHA-256 hash. Every refusal gives the client the same message, so nothing helps an attacker
 * tell the cases apart; the reason is logged at debug level without the token. Thread-safe; owns
 * one background thread that fetches keys, which {@link #close()} stops.
 */
public final class TokenAuthenticator implements Authenticator, AutoCloseable {
    /** Tokens longer than this are refused unparsed. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    static final String REFUSED = "Invalid or expired credentials.";
    static final String MISSING =
            "Missing credentials: send 'Authorization: Bearer <token>' with an SSO token or a gateway API key.";

    private static final Logger log = LoggerFactory.getLogger(TokenAuthenticator.class);

    /** How long a verified token is trusted without verifying it again. */
    static final long VERIFIED_TTL_MILLIS = 60_000;

    private static final int MAX_VERIFIED = 10_000;

    private static final MessageDigest SHA_256 = lookUpSha256();

    private final Map<String, IssuerVerifier> issuers;
    private final ConcurrentHashMap<String, VerifiedToken> verified = new ConcurrentHashMap<>();
    private final AtomicLong signatureChecks = new AtomicLong();
    private final Map<String, ApiKey> keysByHash;
    private final Clock clock;
    private final ScheduledExecutorService refresher;
    private final boolean ownsRefresher;

    private TokenAuthenticator(
            Map<String, IssuerVerifier> issuers,
            Map<String, ApiKey> keysByHash,
            Clock clock,
            ScheduledExecutorService refresher,
            boolean ownsRefresher) {
        this.issuers = issuers;
        this.keysByHash = keysByHash;
        this.clock = clock;
        this.refresher = refresher;
        this.ownsRefresher = ownsRefresher;
    }

    /** Starts an authenticator: fetches every issuer's keys in the background right away. */
    public static TokenAuthenticator start(List<IssuerSettings> issuers, List<ApiKey> apiKeys, Clock clock) {
        return start(issuers, apiKeys, clock, new KeyFetcher());
    }

    static TokenAuthenticator start(
            List<IssuerSettings> issuers, List<ApiKey> apiKeys, Clock clock, KeyFetcher fetcher) {
        requireNonNull(clock, "clock");
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
        Map<String, IssuerVerifier> verifiers = new LinkedHashMap<>();
        for (IssuerSettings issuer : issuers) {
            IssuerKeys keys = new IssuerKeys(issuer, fetcher, refresher, clock);
            verifiers.put(issuer.issuer(), new IssuerVerifier(issuer, keys));
            keys.start();
        }
        Map<String, ApiKey> byHash = new HashMap<>();
        for (ApiKey key : apiKeys) {
            byHash.put(key.sha256(), key);
        }
        return new TokenAuthenticator(Map.copyOf(verifiers), Map.copyOf(byHash), clock, refresher, true);
    }

    /**
     * An authenticator trusting the same issuers (sharing their signing keys and background refresh)
     * with {@code apiKeys} instead of this one's: how a configuration change that only touches API
     * keys takes effect without fetching keys again. Closing the new one stops nothing; closing this
     * one stops the shared refresh.
     */
    public TokenAuthenticator withApiKeys(List<ApiKey> apiKeys) {
        Map<String, ApiKey> byHash = new HashMap<>();
        for (ApiKey key : apiKeys) {
            byHash.put(key.sha256(), key);
        }
        return new TokenAuthenticator(issuers, Map.copyOf(byHash), clock, refresher, false);
    }

    /** Lowercase hex SHA-256 of a gateway API key, as stored. */
    public static String sha256(String key) {
        return HexFormat.of().formatHex(newSha256().digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A fresh SHA-256 digest: a copy of a prototype, which costs less than looking the algorithm up
     * among the security providers for every request.
     */
    private static MessageDigest newSha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return lookUpSha256();
        }
    }

    private static MessageDigest lookUpSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public CompletableFuture<Principal> authenticate(@Nullable String token) {
        if (token == null || token.isBlank()) {
            return CompletableFuture.failedFuture(new AuthenticationException(MISSING));
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return refused("token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        if (looksLikeJwt(token)) {
            return jwt(token);
        }
        return apiKey(token);
    }

    private static boolean looksLikeJwt(String token) {
        return token.startsWith("eyJ") && token.indexOf('.') > 0;
    }

    private CompletableFuture<Principal> jwt(String token) {
        // A token seen and verified moments ago is not verified again: an RSA check costs tens of
        // microseconds, a hash lookup a few. Entries are keyed by the token's hash, never the token.
        String id = sha256(token);
        long now = clock.millis();
        VerifiedToken seen = verified.get(id);
        if (seen != null && now < seen.validUntilMillis()) {
            return CompletableFuture.completedFuture(seen.principal());
        }
        SignedJWT jwt;
        String issuer;
        try {
            jwt = SignedJWT.parse(token);
            issuer = jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            // Includes unsecured "alg": "none" tokens in every spelling: they are not signed JWTs.
            return refused("not a signed JWT");
        }
        IssuerVerifier verifier = issuer == null ? null : issuers.get(issuer);
        if (verifier == null) {
            return refused("untrusted issuer");
        }
        CompletableFuture<Principal> principal;
        if (verifier.hasUnknownKeyId(jwt) || verifier.keys().current().getKeys().isEmpty()) {
            SignedJWT parsed = jwt;
            principal = verifier.keys().refreshForUnknownKey().thenCompose(keys -> verify(verifier, parsed));
        } else {
            principal = verify(verifier, jwt);
        }
        return principal.thenApply(p -> remember(id, p, now));
    }

    /** Keeps a verified token for at most {@link #VERIFIED_TTL_MILLIS}, and never past its expiry. */
    private Principal remember(String id, Principal principal, long now) {
        long validUntil = now + VERIFIED_TTL_MILLIS;
        if (principal.claims().get("exp") instanceof Long exp) {
            validUntil = Math.min(validUntil, exp * 1000);
        }
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear(); // crude but bounded; a burst of new tokens just verifies again
        }
        verified.put(id, new VerifiedToken(principal, validUntil));
        return principal;
    }

    private CompletableFuture<Principal> verify(IssuerVerifier verifier, SignedJWT jwt) {
        signatureChecks.incrementAndGet();
        try {
            return CompletableFuture.completedFuture(verifier.verify(jwt));
        } catch (BadJOSEException | JOSEException e) {
            return refused(e.getMessage());
        }
    }

    private CompletableFuture<Principal> apiKey(String token) {
        ApiKey key = keysByHash.get(sha256(token));
        if (key == null) {
            return refused("unknown API key");
        }
        if (key.revoked()) {
            return refused("revoked API key " + key.name());
        }
        if (key.expiresAt() != null && !clock.instant().isBefore(key.expiresAt())) {
            return refused("expired API key " + key.name());
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", key.owner());
        claims.put("tenant", key.tenant());
        claims.put("groups", List.copyOf(key.groups()));
        claims.put("api_key", key.name());
        return CompletableFuture.completedFuture(
                new Principal(key.owner(), key.tenant(), key.groups(), claims, key.allowedModels()));
    }

    private static CompletableFuture<Principal> refused(@Nullable String reason) {
        log.debug("refused credentials: {}", reason);
        return CompletableFuture.failedFuture(new AuthenticationException(REFUSED));
    }

    /** How many tokens had their signature checked (for tests of the verified-token cache). */
    long signatureChecks() {
        return signatureChecks.get();
    }

    private record VerifiedToken(Principal principal, long validUntilMillis) {}

    @Override
    public void close() {
        if (ownsRefresher) {
            refresher.shutdownNow();
        }
    }
}
