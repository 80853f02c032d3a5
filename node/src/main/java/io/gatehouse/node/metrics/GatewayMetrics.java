package io.gatehouse.node.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

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

    public GatewayMetrics(String nodeName) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", requireNonNull(nodeName, "nodeName"));
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** One finished request: counts it and records its latency. */
    public void request(String endpoint, String model, String provider, int status, long nanos) {
        String statusClass = Integer.toString(status);
        Counter.builder("gatehouse.requests")
                .description("Requests answered, by endpoint, model, provider and status")
                .tags("endpoint", endpoint, "model", model, "provider", provider, "status", statusClass)
                .register(registry)
                .increment();
        Timer.builder("gatehouse.request.duration")
                .description("Time from receiving a request to the end of its response")
                .tags("endpoint", endpoint, "model", model, "provider", provider)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Time from receiving a streamed request to sending its first event. */
    public void timeToFirstToken(String model, String provider, long nanos) {
        Timer.builder("gatehouse.time.to.first.token")
                .description("Time from receiving a streamed request to relaying its first event")
                .tags("model", model, "provider", provider)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
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
        return Counter.builder("gatehouse.tokens")
                .description("Tokens used, by model, provider and type (prompt or completion)")
                .tags("model", model, "provider", provider, "type", type)
                .register(registry);
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
        Counter.builder(admitted ? "gatehouse.limits.admitted" : "gatehouse.limits.limited")
                .description(admitted ? "Requests a limit let through" : "Requests a limit refused (429)")
                .tags("limit", limit, "scope", scope)
                .register(registry)
                .increment();
    }

    /** How long a request's limit checks took, all together. */
    public void limitCheck(long nanos) {
        Timer.builder("gatehouse.limits.check")
                .description("Time to check a request's cluster-wide limits")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
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
