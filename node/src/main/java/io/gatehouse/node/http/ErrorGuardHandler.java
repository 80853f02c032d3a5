package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence: a bug below answers 500 in OpenAI's shape and is logged with the
 * request id, and no stack trace ever reaches the client.
 */
public final class ErrorGuardHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ErrorGuardHandler.class);

    private final HttpHandler next;

    public ErrorGuardHandler(HttpHandler next) {
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        try {
            next.handleRequest(exchange);
        } catch (Throwable t) {
            fail(exchange, t);
        }
    }

    /** Answers 500 for an unexpected failure; usable from asynchronous callbacks too. */
    static void fail(HttpServerExchange exchange, Throwable t) {
        log.error("request {} failed unexpectedly", exchange.getAttachment(Attachments.REQUEST_ID), t);
        Responses.error(exchange, ApiError.internal());
    }
}
