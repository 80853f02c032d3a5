package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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

    /**
     * Ready answers 200; a node that serves while something is wrong (its configuration database is
     * down) still answers 200, since it serves, with {@code "status":"degraded"} and the reason.
     */
    public static HttpHandler readiness(BooleanSupplier ready, Supplier<@Nullable String> degraded) {
        requireNonNull(ready, "ready");
        requireNonNull(degraded, "degraded");
        return (HttpServerExchange exchange) -> {
            String reason = degraded.get();
            if (ready.getAsBoolean() && reason != null) {
                ObjectNode body =
                        Json.MAPPER.createObjectNode().put("status", "degraded").put("reason", reason);
                Responses.json(exchange, 200, Json.MAPPER.writeValueAsBytes(body));
            } else if (ready.getAsBoolean()) {
                Responses.text(exchange, 200, "application/json", "{\"status\":\"ready\"}");
            } else {
                Responses.text(exchange, 503, "application/json", "{\"status\":\"not_ready\"}");
            }
        };
    }
}
