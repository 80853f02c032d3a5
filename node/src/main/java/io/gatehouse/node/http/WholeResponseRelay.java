package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ResponseListener;
import io.gatehouse.providers.Usage;
import io.undertow.server.HttpServerExchange;
import java.util.function.UnaryOperator;

/**
 * Relays a provider's complete (non-streamed) answer, or its error, on the exchange's IO thread. The
 * answer is turned into the client's shape on the provider's thread, so a large one does not hold
 * up the IO thread.
 */
final class WholeResponseRelay implements ResponseListener {
    private final HttpServerExchange exchange;
    private final UnaryOperator<byte[]> toClient;

    /** Relays the answer as the provider gave it (embeddings). */
    WholeResponseRelay(HttpServerExchange exchange) {
        this(exchange, UnaryOperator.identity());
    }

    private WholeResponseRelay(HttpServerExchange exchange, UnaryOperator<byte[]> toClient) {
        this.exchange = requireNonNull(exchange, "exchange");
        this.toClient = toClient;
    }

    /** Relays a chat completion in the dialect of the exchange's client. Call on the IO thread. */
    static WholeResponseRelay chat(HttpServerExchange exchange) {
        return new WholeResponseRelay(exchange, Responses.dialect(exchange)::response);
    }

    @Override
    public void onResponse(byte[] json, Usage usage) {
        byte[] body;
        try {
            body = toClient.apply(json);
        } catch (ApiException e) {
            onError(e.error());
            return;
        }
        exchange.getIoThread().execute(() -> {
            exchange.putAttachment(Attachments.USAGE, usage);
            Responses.json(exchange, 200, body);
        });
    }

    @Override
    public void onError(ApiError error) {
        exchange.getIoThread().execute(() -> Responses.error(exchange, error));
    }
}
