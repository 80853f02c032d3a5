package io.gatehouse.node.http;

import io.gatehouse.providers.Call;
import io.undertow.server.HttpServerExchange;

/** Ties an upstream call's lifetime to its exchange. */
final class Calls {
    private Calls() {}

    /**
     * Cancels {@code call} when the exchange ends for any reason (a no-op if the call has already
     * finished), so an upstream call never outlives the client request that caused it.
     */
    static void cancelWhenExchangeEnds(HttpServerExchange exchange, Call call) {
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            call.cancel();
            nextListener.proceed();
        });
    }
}
