package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** Names the endpoint a request is for, for its access log line and metrics labels. */
public final class EndpointHandler implements HttpHandler {
    private final String endpoint;
    private final HttpHandler next;

    public EndpointHandler(String endpoint, HttpHandler next) {
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.putAttachment(Attachments.ENDPOINT, endpoint);
        next.handleRequest(exchange);
    }
}
