package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.function.Function;

/**
 * Parses the body into the canonical chat request, or answers 400 naming the bad field. The parser
 * is the front door's: OpenAI's chat shape, or Anthropic's Messages shape translated into it, so
 * the rest of the chain (and any provider) serves both alike.
 */
public final class ParseChatHandler implements HttpHandler {
    private final Function<byte[], ChatRequest> parser;
    private final HttpHandler next;

    /** @param parser {@code ChatRequest::parse} or {@code AnthropicToOpenAiRequest::parse} */
    public ParseChatHandler(Function<byte[], ChatRequest> parser, HttpHandler next) {
        this.parser = requireNonNull(parser, "parser");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ChatRequest request;
        try {
            request = parser.apply(exchange.getAttachment(Attachments.BODY));
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
