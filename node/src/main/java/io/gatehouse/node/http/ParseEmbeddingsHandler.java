package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.EmbeddingRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** Parses the body into the canonical embeddings request, or answers 400 naming the bad field. */
public final class ParseEmbeddingsHandler implements HttpHandler {
    private final HttpHandler next;

    public ParseEmbeddingsHandler(HttpHandler next) {
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        EmbeddingRequest request;
        try {
            request = EmbeddingRequest.parse(exchange.getAttachment(Attachments.BODY));
        } catch (ApiException e) {
            Responses.error(exchange, e.error());
            return;
        }
        exchange.removeAttachment(Attachments.BODY);
        exchange.putAttachment(Attachments.EMBEDDING_REQUEST, request);
        exchange.putAttachment(Attachments.REQUESTED_MODEL, request.model());
        next.handleRequest(exchange);
    }
}
