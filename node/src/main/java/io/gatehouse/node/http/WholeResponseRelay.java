package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ResponseListener;
import io.gatehouse.providers.Usage;
import io.undertow.server.HttpServerExchange;

/** Relays a provider's complete (non-streamed) answer, or its error, on the exchange's IO thread. */
final class WholeResponseRelay implements ResponseListener {
    private final HttpServerExchange exchange;

    WholeResponseRelay(HttpServerExchange exchange) {
        this.exchange = requireNonNull(exchange, "exchange");
    }

    @Override
    public void onResponse(byte[] json, Usage usage) {
        exchange.getIoThread().execute(() -> {
            exchange.putAttachment(Attachments.USAGE, usage);
            Responses.json(exchange, 200, json);
        });
    }

    @Override
    public void onError(ApiError error) {
        exchange.getIoThread().execute(() -> Responses.error(exchange, error));
    }
}
