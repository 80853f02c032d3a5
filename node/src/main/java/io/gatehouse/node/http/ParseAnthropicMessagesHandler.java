package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.anthropic.AnthropicToOpenAiRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Parses an Anthropic Messages API body into the canonical chat request, so the rest of the chain
 * (and any provider) serves it as it serves a chat completion; or answers 400 naming the bad field.
 * The {@code anthropic-version} header is accepted whatever its value: the translation follows
 * {@code 2023-06-01}, which later versions extend without breaking.
 */
public final class ParseAnthropicMessagesHandler implements HttpHandler {
    private final HttpHandler next;

    public ParseAnthropicMessagesHandler(HttpHandler next) {
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ChatRequest request;
        try {
            request = AnthropicToOpenAiRequest.parse(exchange.getAttachment(Attachments.BODY));
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
