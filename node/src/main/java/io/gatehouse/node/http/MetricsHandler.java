package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.node.metrics.GatewayMetrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** {@code GET /metrics}: the node's metrics in Prometheus text format, on the admin port. */
public final class MetricsHandler implements HttpHandler {
    private final GatewayMetrics metrics;

    public MetricsHandler(GatewayMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        // Scraping walks every meter; keep it off the IO thread.
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        Responses.text(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }
}
