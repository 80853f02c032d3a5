package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** Parses the body into the canonical chat request, or answers 400 naming the bad field. */
public final class ParseChatHandler implements HttpHandler {
    private final HttpHandler next;

    public ParseChatHandler(HttpHandler next) {
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ChatRequest request;
        try {
            request = ChatRequest.parse(exchange.getAttachment(Attachments.BODY));
        } catch (ApiException e) {
            Responses.error(exchange, e.error());
            return;
        }
        exchange.removeAttachment(Attachments.BODY);
        exchange.putAttachment(Attachments.CHAT_REQUEST, request);
        exchange.putAttachment(Attachments.REQUESTED_MODEL, request.model());
        next.handleRequest(exchange);
    }
}
