package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /livez} (the process answers) and {@code GET /readyz} (the node takes traffic: started
 * and not draining). Both answer JSON; not ready is 503 so load balancers stop sending.
 */
public final class HealthHandler {
    /** The endpoint name of health checks, which are counted but not access-logged. */
    public static final String ENDPOINT = "health";

    private HealthHandler() {}

    public static HttpHandler liveness() {
        return exchange -> Responses.text(exchange, 200, "application/json", "{\"status\":\"ok\"}");
    }

    public static HttpHandler readiness(BooleanSupplier ready) {
        requireNonNull(ready, "ready");
        return (HttpServerExchange exchange) -> {
            if (ready.getAsBoolean()) {
                Responses.text(exchange, 200, "application/json", "{\"status\":\"ready\"}");
            } else {
                Responses.text(exchange, 503, "application/json", "{\"status\":\"not_ready\"}");
            }
        };
    }
}
