package io.gatehouse.node;

import io.gatehouse.node.http.ErrorGuardHandler;
import io.gatehouse.node.http.Fallbacks;
import io.gatehouse.node.http.HealthHandler;
import io.gatehouse.node.http.MetricsHandler;
import io.gatehouse.node.http.RequestIdHandler;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import java.util.function.BooleanSupplier;

/** The admin port's handlers: health and metrics. It never serves the data plane. */
final class AdminPlane {
    private AdminPlane() {}

    static HttpHandler handler(String nodeName, GatewayMetrics metrics, BooleanSupplier ready) {
        HttpHandler paths = Handlers.routing()
                .get("/livez", HealthHandler.liveness())
                .get("/readyz", HealthHandler.readiness(ready))
                .get("/metrics", new MetricsHandler(metrics))
                .setFallbackHandler(Fallbacks.notFound())
                .setInvalidMethodHandler(Fallbacks.methodNotAllowed());
        return new ErrorGuardHandler(new RequestIdHandler(nodeName, paths));
    }
}
