package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ResponseListener;
import io.gatehouse.providers.Usage;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Relays a provider's complete (non-streamed) answer, or its error. The answer is turned into the
 * client's shape and written on the thread that delivers it (the upstream client's), with no hand-off
 * to the exchange's IO thread: once the IO thread has started the call (and says so with {@link
 * #started}) it is done with the exchange, which is dispatched, so the delivering thread has it to
 * itself. An answer delivered before that waits for the IO thread, which writes it when it is done.
 */
final class WholeResponseRelay implements ResponseListener {
    /** Marks that the IO thread has started the call; before it, an early answer waits here. */
    private static final Runnable STARTED = () -> {};

    private final HttpServerExchange exchange;
    private final UnaryOperator<byte[]> toClient;
    private final @Nullable CacheStore store;
    private final AtomicReference<@Nullable Runnable> early = new AtomicReference<>();

    /** Relays the answer as the provider gave it (embeddings). */
    WholeResponseRelay(HttpServerExchange exchange) {
        this(exchange, UnaryOperator.identity(), null);
    }

    private WholeResponseRelay(
            HttpServerExchange exchange, UnaryOperator<byte[]> toClient, @Nullable CacheStore store) {
        this.exchange = requireNonNull(exchange, "exchange");
        this.toClient = toClient;
        this.store = store;
    }

    /**
     * Relays a chat completion in the dialect of the exchange's client, and stores it in the
     * response cache if the request's answer may be stored. Call on the IO thread.
     */
    static WholeResponseRelay chat(HttpServerExchange exchange) {
        return new WholeResponseRelay(
                exchange, Responses.dialect(exchange)::response, exchange.getAttachment(Attachments.CACHE_STORE));
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
        if (store != null) {
            // Before the client has its answer, so that its next request finds the entry.
            store.completion(json, usage);
        }
        deliver(() -> {
            exchange.putAttachment(Attachments.USAGE, usage);
            Responses.json(exchange, 200, body);
        });
    }

    @Override
    public void onError(ApiError error) {
        deliver(() -> Responses.error(exchange, error));
    }

    /**
     * Call on the IO thread once it has started the call and tied it to the exchange, as the last
     * thing it does with the exchange; writes an answer that came before.
     */
    void started() {
        Runnable answer = early.getAndSet(STARTED);
        if (answer != null) {
            answer.run();
        }
    }

    private void deliver(Runnable answer) {
        if (early.compareAndSet(null, answer)) {
            return; // the IO thread writes it once it has started the call
        }
        if (!exchange.isComplete()) { // ended already (the client left, and the call was cancelled)
            answer.run();
        }
    }
}
