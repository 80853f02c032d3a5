package io.gatehouse.node.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The node's metrics, exported in Prometheus format. Label values are bounded: models and providers
 * come from configuration (a request that never resolved to one is recorded as {@code none}),
 * statuses and error kinds from small fixed sets. Thread-safe.
 */
public final class GatewayMetrics implements AutoCloseable {
    /** Label value for requests that never resolved to a configured model or provider. */
    public static final String NONE = "none";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    // Meters of the per-request path, looked up once per label set: building and registering a
    // meter for every request (the builder, its tags, the registry's map) costs more than recording.
    private final Map<RequestLabels, RequestMeters> requestMeters = new ConcurrentHashMap<>();
    private final Map<TokenLabels, Counter> tokenCounters = new ConcurrentHashMap<>();
    private final Map<LimitLabels, Counter> limitDecisions = new ConcurrentHashMap<>();
    private final Timer limitCheck;
    /** The running totals that function counters read, kept reachable. */
    private final List<LongSupplier> countedTotals = new CopyOnWriteArrayList<>();

    private final Map<String, Counter> cacheLookups = new ConcurrentHashMap<>();
    private final Counter promptsNotEmbedded;

    public GatewayMetrics(String nodeName) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", requireNonNull(nodeName, "nodeName"));
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        limitCheck = Timer.builder("gatehouse.limits.check")
                .description("Time to check a request's cluster-wide limits")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        promptsNotEmbedded = Counter.builder("gatehouse.cache.prompts.not.embedded")
                .description("Prompts of semantic cache policies matched exactly only, as they got no embedding"
                        + " (the model not loaded yet, or too many prompts waiting)")
                .register(registry);
    }

    /** One finished request: counts it and records its latency. */
    public void request(String endpoint, String model, String provider, int status, long nanos) {
        RequestMeters meters = requestMeters.computeIfAbsent(
                new RequestLabels(endpoint, model, provider, status), this::requestMeters);
        meters.count().increment();
        meters.duration().record(nanos, TimeUnit.NANOSECONDS);
    }

    private RequestMeters requestMeters(RequestLabels labels) {
        Counter count = Counter.builder("gatehouse.requests")
                .description("Requests answered, by endpoint, model, provider and status")
                .tags(
                        "endpoint",
                        labels.endpoint(),
                        "model",
                        labels.model(),
                        "provider",
                        labels.provider(),
                        "status",
                        Integer.toString(labels.status()))
                .register(registry);
        Timer duration = Timer.builder("gatehouse.request.duration")
                .description("Time from receiving a request to the end of its response")
                .tags("endpoint", labels.endpoint(), "model", labels.model(), "provider", labels.provider())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        return new RequestMeters(count, duration);
    }

    private record RequestLabels(String endpoint, String model, String provider, int status) {}

    private record RequestMeters(Counter count, Timer duration) {}

    private record TokenLabels(String model, String provider, String type) {}

    private record LimitLabels(String limit, String scope, boolean admitted) {}

    /** Time from receiving a streamed request to sending its first event. */
    public void timeToFirstToken(String model, String provider, long nanos) {
        Timer.builder("gatehouse.time.to.first.token")
                .description("Time from receiving a streamed request to relaying its first event")
                .tags("model", model, "provider", provider)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Tokens used by a call, as the provider reported them. */
    public void tokens(String model, String provider, long promptTokens, long completionTokens) {
        if (promptTokens > 0) {
            tokenCounter(model, provider, "prompt").increment(promptTokens);
        }
        if (completionTokens > 0) {
            tokenCounter(model, provider, "completion").increment(completionTokens);
        }
    }

    private Counter tokenCounter(String model, String provider, String type) {
        return tokenCounters.computeIfAbsent(
                new TokenLabels(model, provider, type),
                labels -> Counter.builder("gatehouse.tokens")
                        .description("Tokens used, by model, provider and type (prompt or completion)")
                        .tags("model", model, "provider", provider, "type", type)
                        .register(registry));
    }

    /**
     * A failed upstream call, by the class of failure: {@code timeout}, {@code rate_limited},
     * {@code unavailable} or {@code failed}.
     */
    public void upstreamError(String model, String provider, String kind) {
        Counter.builder("gatehouse.upstream.errors")
                .description("Upstream calls that failed, by model, provider and kind")
                .tags("model", model, "provider", provider, "kind", kind)
                .register(registry)
                .increment();
    }

    /** One limit's answer to a request, by limit kind and scope (a policy, or a deployment). */
    public void limitDecision(String limit, String scope, boolean admitted) {
        limitDecisions
                .computeIfAbsent(
                        new LimitLabels(limit, scope, admitted),
                        labels -> Counter.builder(admitted ? "gatehouse.limits.admitted" : "gatehouse.limits.limited")
                                .description(
                                        admitted ? "Requests a limit let through" : "Requests a limit refused (429)")
                                .tags("limit", limit, "scope", scope)
                                .register(registry))
                .increment();
    }

    /** One response cache lookup of a chat request: {@code hit}, {@code miss}, {@code bypass} or {@code error}. */
    public void cacheLookup(String result) {
        cacheLookups
                .computeIfAbsent(
                        result,
                        r -> Counter.builder("gatehouse.cache.lookups")
                                .description("Response cache lookups of chat requests, by result")
                                .tag("result", r)
                                .register(registry))
                .increment();
    }

    /** A prompt that a semantic policy would have matched by meaning got no embedding. */
    public void promptNotEmbedded() {
        promptsNotEmbedded.increment();
    }

    /** How long a request's limit checks took, all together. */
    public void limitCheck(long nanos) {
        limitCheck.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Counts the checks of requests and tokens per minute as the node's limits count them: granted
     * at once from a local lease, or sent to the key's owner ({@code fromLeases}, {@code atOwners},
     * both running totals).
     */
    public void rateChecks(LongSupplier fromLeases, LongSupplier atOwners) {
        rateChecks("lease", fromLeases);
        rateChecks("owner", atOwners);
    }

    private void rateChecks(String by, LongSupplier total) {
        FunctionCounter.builder("gatehouse.limits.rate.checks", total, LongSupplier::getAsLong)
                .description("Checks of requests and tokens per minute, one per request and scope: granted at once"
                        + " from this node's local lease (lease), or sent to the key's owner (owner)")
                .tag("by", by)
                .register(registry);
        countedTotals.add(total); // a function counter holds its state weakly
    }

    /** A limit check that could not be answered in time (degraded mode). */
    public void limitsUnavailable(boolean failOpen) {
        Counter.builder("gatehouse.limits.unavailable")
                .description("Limit checks not answered in time, by what was done (open: let through; closed: 503)")
                .tags("action", failOpen ? "open" : "closed")
                .register(registry)
                .increment();
    }

    /** The registry's state in Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
