package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.node.routing.Route;
import io.gatehouse.node.routing.Target;
import io.gatehouse.policy.Decision;
import io.gatehouse.providers.ApiError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/**
 * Finds the model to serve (the one the policy decided, else the requested one; 404 if it is not
 * served) and chooses the deployment that will answer,
 * naming it in {@code x-gatehouse-provider} and {@code x-gatehouse-model}.
 */
public final class RouteHandler implements HttpHandler {
    static final HttpString PROVIDER = HttpString.tryFromString("x-gatehouse-provider");
    static final HttpString MODEL = HttpString.tryFromString("x-gatehouse-model");

    private final HttpHandler next;

    public RouteHandler(HttpHandler next) {
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Decision decision = exchange.getAttachment(Attachments.DECISION);
        String model = decision != null ? decision.model() : exchange.getAttachment(Attachments.REQUESTED_MODEL);
        Route route = ActiveConfig.of(exchange).catalog().route(model);
        if (route == null) {
            Responses.error(exchange, ApiError.unknownModel(model));
            return;
        }
        Target target = route.pick();
        exchange.putAttachment(Attachments.ROUTE, route);
        exchange.putAttachment(Attachments.TARGET, target);
        exchange.getResponseHeaders().put(PROVIDER, target.providerName());
        exchange.getResponseHeaders().put(MODEL, target.upstreamModel());
        next.handleRequest(exchange);
    }
}
