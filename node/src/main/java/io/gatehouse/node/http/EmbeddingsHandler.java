package io.gatehouse.node.http;

import io.gatehouse.node.routing.Target;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Call;
import io.gatehouse.providers.EmbeddingProvider;
import io.gatehouse.providers.EmbeddingRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;

/** Calls the chosen deployment for embeddings and relays the answer. The end of its chain. */
public final class EmbeddingsHandler implements HttpHandler {

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        EmbeddingRequest request = exchange.getAttachment(Attachments.EMBEDDING_REQUEST);
        Target target = exchange.getAttachment(Attachments.TARGET);
        EmbeddingProvider embeddings = target.embeddings();
        if (embeddings == null) {
            Responses.error(
                    exchange,
                    ApiError.badRequest(
                            "Model '" + request.model() + "' does not serve embeddings; choose an embedding model.",
                            "model"));
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            WholeResponseRelay relay = new WholeResponseRelay(exchange);
            Call call = embeddings.embed(request, target.upstreamModel(), relay);
            Calls.cancelWhenExchangeEnds(exchange, call);
            relay.started();
        });
    }
}
