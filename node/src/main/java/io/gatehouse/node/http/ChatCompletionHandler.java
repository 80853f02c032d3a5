package io.gatehouse.node.http;

import io.gatehouse.node.routing.Target;
import io.gatehouse.providers.Call;
import io.gatehouse.providers.ChatRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;

/**
 * Calls the chosen deployment and relays its answer in the client's dialect: whole for a plain
 * request, event by event (through {@link StreamRelay}) for {@code stream: true}. The end of the
 * chain for chat completions and Anthropic messages alike.
 */
public final class ChatCompletionHandler implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) {
        ChatRequest request = exchange.getAttachment(Attachments.CHAT_REQUEST);
        Target target = exchange.getAttachment(Attachments.TARGET);
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            if (request.stream()) {
                new StreamRelay(exchange).start(target, request);
            } else {
                WholeResponseRelay relay = WholeResponseRelay.chat(exchange);
                Call call = target.provider().chat(request, target.upstreamModel(), relay);
                Calls.cancelWhenExchangeEnds(exchange, call);
                relay.started();
            }
        });
    }
}
