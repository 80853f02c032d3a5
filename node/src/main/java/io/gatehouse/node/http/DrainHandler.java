package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.function.BooleanSupplier;

/**
 * Once the node drains for shutdown, refuses new model requests with a 503 in OpenAI's shape (and
 * the request id), so clients and load balancers retry elsewhere; health checks still answer.
 */
public final class DrainHandler implements HttpHandler {
    private final BooleanSupplier ready;
    private final HttpHandler next;

    public DrainHandler(BooleanSupplier ready, HttpHandler next) {
        this.ready = requireNonNull(ready, "ready");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!ready.getAsBoolean()) {
            exchange.getResponseHeaders().put(io.undertow.util.Headers.CONNECTION, "close");
            Responses.error(
                    exchange,
                    new ApiError(
                            503,
                            "service_unavailable",
                            "node_draining",
                            "This node is shutting down; send the request to another node.",
                            null));
            return;
        }
        next.handleRequest(exchange);
    }
}
