package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.function.Supplier;

/** Pins the configuration running now to the request, for every later step to read. */
public final class PinConfigHandler implements HttpHandler {
    private final Supplier<ActiveConfig> config;
    private final HttpHandler next;

    public PinConfigHandler(Supplier<ActiveConfig> config, HttpHandler next) {
        this.config = requireNonNull(config, "config");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.putAttachment(Attachments.CONFIG, config.get());
        next.handleRequest(exchange);
    }
}
