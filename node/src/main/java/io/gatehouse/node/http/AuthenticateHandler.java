package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.policy.AuthenticationException;
import io.gatehouse.policy.Authenticator;
import io.gatehouse.providers.ApiError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.jspecify.annotations.Nullable;

/**
 * Turns the request's credential ({@code Authorization: Bearer ...} or {@code x-api-key}) into the
 * attached {@link io.gatehouse.policy.Principal}, or answers 401.
 */
public final class AuthenticateHandler implements HttpHandler {
    private static final HttpString API_KEY = HttpString.tryFromString("x-api-key");

    private final Authenticator authenticator;
    private final HttpHandler next;

    public AuthenticateHandler(Authenticator authenticator, HttpHandler next) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        try {
            exchange.putAttachment(Attachments.PRINCIPAL, authenticator.authenticate(token(exchange)));
        } catch (AuthenticationException e) {
            Responses.error(exchange, ApiError.unauthenticated(e.getMessage()));
            return;
        }
        next.handleRequest(exchange);
    }

    private static @Nullable String token(HttpServerExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return exchange.getRequestHeaders().getFirst(API_KEY);
    }
}
