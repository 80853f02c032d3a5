package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Sets the dialect the endpoint's clients speak, so every answer below it, errors included, is in
 * their shape.
 */
public final class ClientDialectHandler implements HttpHandler {
    private final ClientDialect dialect;
    private final HttpHandler next;

    public ClientDialectHandler(ClientDialect dialect, HttpHandler next) {
        this.dialect = requireNonNull(dialect, "dialect");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.putAttachment(Attachments.DIALECT, dialect);
        next.handleRequest(exchange);
    }
}
