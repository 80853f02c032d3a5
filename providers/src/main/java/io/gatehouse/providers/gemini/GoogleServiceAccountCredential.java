package io.gatehouse.providers.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.Call;
import io.gatehouse.providers.Credential;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.transport.UpstreamClient;
import io.gatehouse.providers.transport.UpstreamFailure;
import io.gatehouse.providers.transport.UpstreamListener;
import io.gatehouse.providers.transport.UpstreamRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google OAuth 2.0 access tokens for a service account (the JWT-bearer grant of RFC 7523, as
 * Google documents it for server-to-server calls): signs an RS256 assertion with the account's key,
 * exchanges it at the key's {@code token_uri}, and adds {@code Authorization: Bearer <token>} to
 * requests.
 *
 * <p>The token is fetched in the background, as soon as the credential starts and again well before
 * it expires (five minutes early, or halfway through a short lifetime); failed fetches are retried
 * with backoff up to a minute apart. {@link #apply} only reads the cached token, so a request never
 * waits for Google and never blocks the thread it runs on. A request that arrives before the first
 * token has been obtained fails at once with a 503 (try again shortly) rather than waiting: a node
 * has a token within a round trip of starting, and a failing client retry is cheaper than requests
 * piling up behind a token endpoint that may be down. When no valid token can be had, requests fail
 * with a 502 that tells an administrator to check the key; the reason is logged, never sent.
 *
 * <p>Thread-safe. Neither the key, the assertion nor the token appear in logs, errors or {@link
 * #toString()}.
 */
public final class GoogleServiceAccountCredential implements Credential, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GoogleServiceAccountCredential.class);

    /** The scope Vertex AI requires. */
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final Duration EARLY_REFRESH = Duration.ofMinutes(5);
    private static final Duration MAX_EXPIRY_MARGIN = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofMinutes(1);
    private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

    private final String provider;
    private final ServiceAccountKey key;
    private final JWSSigner signer;
    private final UpstreamClient client;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final AtomicBoolean fetching = new AtomicBoolean();
    private volatile @Nullable Token token;
    private volatile boolean failedSinceLastToken;
    private volatile Duration retryDelay = FIRST_RETRY;
    private volatile @Nullable ScheduledFuture<?> next;
    private volatile @Nullable Call inFlight;
    private volatile boolean closed;

    /** An access token and the last instant it may be sent. */
    private record Token(String value, Instant usableUntil) {
        @Override
        public String toString() {
            return "Token[usableUntil=" + usableUntil + "]";
        }
    }

    GoogleServiceAccountCredential(
            String provider,
            ServiceAccountKey key,
            UpstreamClient client,
            ScheduledExecutorService scheduler,
            Clock clock) {
        this.provider = requireNonNull(provider, "provider");
        this.key = requireNonNull(key, "key");
        this.client = requireNonNull(client, "client");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.clock = requireNonNull(clock, "clock");
        this.signer = new RSASSASigner(key.privateKey());
    }

    /**
     * Reads a service account key and starts fetching tokens in the background.
     *
     * @param provider the provider's name, for errors and logs
     * @param keyJson the content of the service account's JSON key file
     * @param scheduler runs the (short, non-blocking) refresh steps
     * @throws IllegalArgumentException if {@code keyJson} is not a usable service account key; the
     *     message names the field at fault and never quotes the key
     */
    public static GoogleServiceAccountCredential start(
            String provider, String keyJson, UpstreamClient client, ScheduledExecutorService scheduler) {
        GoogleServiceAccountCredential credential = new GoogleServiceAccountCredential(
                provider, ServiceAccountKey.parse(keyJson), client, scheduler, Clock.systemUTC());
        credential.start();
        return credential;
    }

    void start() {
        schedule(Duration.ZERO);
    }

    @Override
    public UpstreamRequest apply(UpstreamRequest request) {
        Token current = token;
        if (current != null && clock.instant().isBefore(current.usableUntil())) {
            return request.withHeader("Authorization", "Bearer " + current.value());
        }
        if (current == null && !failedSinceLastToken) {
            throw new ApiException(new ApiError(
                    503,
                    "service_unavailable",
                    "upstream_credentials_pending",
                    "Provider '" + provider + "' is still obtaining its access token; try again in a moment.",
                    null));
        }
        throw new ApiException(ApiError.upstreamFailed("Provider '"
                + provider
                + "' could not obtain an access token from Google; an administrator must check its service"
                + " account key."));
    }

    /** Stops refreshing; requests fail once the cached token expires. */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> scheduled = next;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        Call call = inFlight;
        if (call != null) {
            call.cancel();
        }
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        try {
            next = scheduler.schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the node is stopping
        }
    }

    /** Starts one token request; its outcome schedules the next. */
    private void refresh() {
        if (closed || !fetching.compareAndSet(false, true)) {
            return;
        }
        UpstreamRequest request;
        try {
            request = tokenRequest(assertion(clock.instant()));
        } catch (JOSEException | RuntimeException e) {
            failed("could not sign the assertion (" + e.getClass().getSimpleName() + ")");
            return;
        }
        try {
            inFlight = client.send(request, new TokenListener());
        } catch (RuntimeException e) {
            failed("could not send the token request (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The signed JWT-bearer assertion, valid from {@code now} for an hour. */
    String assertion(Instant now) throws JOSEException {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
        if (key.privateKeyId() != null) {
            header.keyID(key.privateKeyId());
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(key.clientEmail())
                .audience(key.tokenUri().toString())
                .claim("scope", SCOPE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .build();
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private UpstreamRequest tokenRequest(String assertion) {
        String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8) + "&assertion="
                + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("Accept", "application/json");
        return new UpstreamRequest(
                key.tokenUri(), headers, form.getBytes(StandardCharsets.UTF_8), TOKEN_TIMEOUT, TOKEN_TIMEOUT);
    }

    private void obtained(String value, long expiresInSeconds) {
        Instant now = clock.instant();
        Duration lifetime = Duration.ofSeconds(expiresInSeconds);
        Duration margin = min(MAX_EXPIRY_MARGIN, lifetime.dividedBy(10));
        token = new Token(value, now.plus(lifetime).minus(margin));
        failedSinceLastToken = false;
        retryDelay = FIRST_RETRY;
        inFlight = null;
        fetching.set(false);
        Duration refreshIn = max(lifetime.minus(EARLY_REFRESH), lifetime.dividedBy(2));
        log.debug(
                "provider {}: access token for {} obtained, valid for {}s; refreshing in {}s",
                provider,
                key.clientEmail(),
                expiresInSeconds,
                refreshIn.toSeconds());
        schedule(refreshIn);
    }

    private void failed(String reason) {
        failedSinceLastToken = true;
        inFlight = null;
        fetching.set(false);
        Duration delay = retryDelay;
        retryDelay = min(delay.multipliedBy(2), MAX_RETRY);
        if (!closed) {
            log.warn(
                    "provider {}: could not obtain an access token for {} from {}: {}; retrying in {}s",
                    provider,
                    key.clientEmail(),
                    key.tokenUri(),
                    reason,
                    delay.toSeconds());
        }
        schedule(delay);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Reads the token endpoint's answer; runs on the transport's threads and never blocks. */
    private final class TokenListener implements UpstreamListener {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;

        @Override
        public void onHeaders(int status, Function<String, @Nullable String> headers) {
            this.status = status;
        }

        @Override
        public void onContent(ByteBuffer content, Runnable demand) {
            if (body.size() + content.remaining() <= MAX_TOKEN_RESPONSE_BYTES) {
                byte[] bytes = new byte[content.remaining()];
                content.get(bytes);
                body.write(bytes, 0, bytes.length);
            } else {
                content.position(content.limit());
            }
            demand.run();
        }

        @Override
        public void onComplete() {
            JsonNode answer = null;
            try {
                answer = Json.MAPPER.readTree(body.toByteArray());
            } catch (IOException e) {
                // described below
            }
            if (status != 200) {
                failed("HTTP " + status + oauthError(answer));
                return;
            }
            if (answer == null
                    || !answer.path("access_token").isTextual()
                    || answer.path("access_token").asText().isEmpty()
                    || !answer.path("expires_in").canConvertToLong()
                    || answer.path("expires_in").asLong() < 1
                    || !answer.path("token_type").asText("Bearer").equalsIgnoreCase("Bearer")) {
                failed("the token endpoint's answer has no bearer access_token and expires_in");
                return;
            }
            obtained(
                    answer.get("access_token").asText(),
                    answer.get("expires_in").asLong());
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            failed(failure.kind() + " (" + failure.detail() + ")");
        }

        /** OAuth's {@code error} and {@code error_description}, which say why without secrets. */
        private static String oauthError(@Nullable JsonNode answer) {
            if (answer == null || !answer.path("error").isTextual()) {
                return "";
            }
            String description = answer.path("error_description").asText("");
            return " " + answer.get("error").asText() + (description.isEmpty() ? "" : ": " + description);
        }
    }

    @Override
    public String toString() {
        return "GoogleServiceAccountCredential[provider=" + provider + ", account=" + key.clientEmail() + "]";
    }
}
