package io.gatehouse.bench.micro;

import io.gatehouse.bench.fixtures.BenchIssuer;
import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.policy.Principal;
import io.gatehouse.policy.RequestFacts;
import io.gatehouse.policy.auth.ApiKey;
import io.gatehouse.policy.auth.IssuerSettings;
import io.gatehouse.policy.auth.TokenAuthenticator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The identity and policy steps of the request path, through {@link TokenAuthenticator} with the
 * issuer's signing keys already fetched: verifying a JWT's signature and claims (RS256 and ES256),
 * answering a token verified moments ago from the authenticator's verified-token cache, a gateway
 * API key, deciding with the five {@link BenchPolicies} (the caller is decided by the fifth), and
 * verify plus decide together. The request facts are built per call, as the node's decide step does.
 * {@code decide} is a request like one decided before, answered from the engine's memo of
 * decisions, as for a caller's every request after its first; {@code evaluate} evaluates the
 * policies as for a request the memo has not seen.
 *
 * <p>The {@code verifyRs256}/{@code verifyEs256} benchmarks use an authenticator whose clock moves a
 * minute per reading, so no verified token is ever reused and every call checks the signature: the
 * cost of a token's first use (or first use after the cache's time-to-live). {@code verifyCached}
 * uses a normal clock and one token: the cost for a client that reuses its access token.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyBench {
    private static final String API_KEY = "gh_bench_3f9c2a7d41e84b6f9a0c5d2e7b1f8a43";

    private BenchIssuer issuer;
    private TokenAuthenticator authenticator;
    private TokenAuthenticator caching;
    private PolicyEngine engine;
    private String rs256;
    private String es256;
    private Principal principal;

    @Setup
    public void setUp() throws Exception {
        issuer = BenchIssuer.start();
        IssuerSettings settings = new IssuerSettings(
                issuer.issuer(),
                issuer.jwksUrl(),
                Set.of(BenchIssuer.AUDIENCE),
                List.of("RS256", "ES256"),
                Duration.ofSeconds(60),
                "sub",
                BenchIssuer.TENANT_CLAIM,
                "default",
                "groups",
                Duration.ofMinutes(10));
        ApiKey key = new ApiKey(
                "reporting",
                TokenAuthenticator.sha256(API_KEY),
                "acme",
                "svc-reporting@acme.example",
                Set.copyOf(BenchPolicies.GROUPS),
                Set.of(),
                null,
                false);
        authenticator = TokenAuthenticator.start(List.of(settings), List.of(key), new MinutePerReadClock());
        caching = TokenAuthenticator.start(List.of(settings), List.of(key), Clock.systemUTC());
        rs256 = issuer.rs256("alice", BenchPolicies.GROUPS, Duration.ofHours(2));
        es256 = issuer.es256("alice", BenchPolicies.GROUPS, Duration.ofHours(2));
        // The first verification waits for the background fetch of the JWKS; later ones use those keys.
        principal = authenticator.authenticate(rs256).get(30, TimeUnit.SECONDS);
        authenticator.authenticate(es256).get(30, TimeUnit.SECONDS);
        caching.authenticate(rs256).get(30, TimeUnit.SECONDS);
        engine = PolicyEngine.compile(BenchPolicies.specs());
        Decision decision = engine.decide(principal, facts());
        if (!decision.allowed() || !decision.policy().equals(BenchPolicies.DECIDING_POLICY)) {
            throw new IllegalStateException("unexpected decision " + decision);
        }
    }

    @TearDown
    public void tearDown() {
        authenticator.close();
        caching.close();
        issuer.close();
    }

    private static RequestFacts facts() {
        return new RequestFacts(BenchPolicies.MODEL, "chat", false, 256, () -> 0, Map.of(), Instant.now());
    }

    @Benchmark
    public Principal verifyRs256() {
        return authenticator.authenticate(rs256).join();
    }

    @Benchmark
    public Principal verifyEs256() {
        return authenticator.authenticate(es256).join();
    }

    @Benchmark
    public Principal verifyCached() {
        return caching.authenticate(rs256).join();
    }

    @Benchmark
    public Principal verifyApiKey() {
        return authenticator.authenticate(API_KEY).join();
    }

    @Benchmark
    public Decision decide() {
        return engine.decide(principal, facts());
    }

    @Benchmark
    public Decision evaluate() {
        return engine.explain(principal, facts()).decision();
    }

    @Benchmark
    public Decision verifyRs256AndDecide() {
        return engine.decide(authenticator.authenticate(rs256).join(), facts());
    }

    @Benchmark
    public Decision verifyCachedAndDecide() {
        return engine.decide(caching.authenticate(rs256).join(), facts());
    }

    /**
     * UTC time that moves forward a minute each time it is read, so entries of the verified-token
     * cache have always expired when looked up. Thread-safe.
     */
    private static final class MinutePerReadClock extends Clock {
        private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("withZone");
        }

        @Override
        public long millis() {
            return millis.addAndGet(60_000);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }
}
