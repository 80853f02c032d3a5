package io.gatehouse.policy.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's signing keys, kept fresh off the request path: fetched at start and then
 * periodically on the refresh executor, and on demand (at most once per {@link #MIN_REFRESH_GAP}, however
 * many tokens ask)
 * when a token names a key id the set does not have, which is how rotation is picked up at once. A
 * failed fetch keeps the last good keys, so an IdP outage does not fail tokens signed with known
 * keys. Thread-safe.
 */
final class IssuerKeys {
    static final Duration MIN_REFRESH_GAP = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);

    private final IssuerSettings issuer;
    private final KeyFetcher fetcher;
    private final ScheduledExecutorService refresher;
    private final Clock clock;
    private volatile JWKSet keys = new JWKSet();
    private @Nullable CompletableFuture<JWKSet> inFlight;
    private @Nullable Instant lastOnDemand;

    IssuerKeys(IssuerSettings issuer, KeyFetcher fetcher, ScheduledExecutorService refresher, Clock clock) {
        this.issuer = requireNonNull(issuer, "issuer");
        this.fetcher = requireNonNull(fetcher, "fetcher");
        this.refresher = requireNonNull(refresher, "refresher");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Fetches the keys now and then every {@code keysRefresh}. */
    void start() {
        refresh();
        long period = issuer.keysRefresh().toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    /** The keys as last fetched. */
    JWKSet current() {
        return keys;
    }

    /**
     * Fetches again because a token named an unknown key id, unless a fetch happened less than
     * {@link #MIN_REFRESH_GAP} ago (then the current keys are the answer). Concurrent callers share
     * one fetch.
     */
    synchronized CompletableFuture<JWKSet> refreshForUnknownKey() {
        if (inFlight != null) {
            return inFlight;
        }
        Instant now = clock.instant();
        if (lastOnDemand != null && Duration.between(lastOnDemand, now).compareTo(MIN_REFRESH_GAP) < 0) {
            return CompletableFuture.completedFuture(keys);
        }
        lastOnDemand = now;
        return refresh();
    }

    private synchronized CompletableFuture<JWKSet> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        CompletableFuture<JWKSet> fetch = CompletableFuture.supplyAsync(this::fetchKeepingLastGood, refresher);
        inFlight = fetch;
        fetch.whenComplete((result, failure) -> {
            synchronized (this) {
                inFlight = null;
            }
        });
        return fetch;
    }

    private JWKSet fetchKeepingLastGood() {
        try {
            JWKSet fetched = fetcher.fetch(issuer);
            List<String> ids = fetched.getKeys().stream()
                    .map(k -> String.valueOf(k.getKeyID()))
                    .toList();
            log.debug("fetched {} signing key(s) of issuer {}: {}", ids.size(), issuer.issuer(), ids);
            keys = fetched;
        } catch (Exception e) {
            log.warn(
                    "could not fetch the signing keys of issuer {} ({}); keeping the {} key(s) fetched before",
                    issuer.issuer(),
                    e.getMessage(),
                    keys.getKeys().size());
        }
        return keys;
    }
}
