package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.policy.AuthenticationException;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ApiError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Turns the request's credential ({@code Authorization: Bearer ...} or {@code x-api-key}) into the
 * attached {@link io.gatehouse.policy.Principal}, or answers 401.
 */
public final class AuthenticateHandler implements HttpHandler {
    private static final HttpString API_KEY = HttpString.tryFromString("x-api-key");

    private final HttpHandler next;

    public AuthenticateHandler(HttpHandler next) {
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        CompletableFuture<Principal> principal =
                ActiveConfig.of(exchange).authenticator().authenticate(token(exchange));
        if (principal.isDone()) {
            proceed(exchange, principal);
            return;
        }
        // Keys are being fetched (an unknown signing key): continue on the IO thread once they are.
        exchange.dispatch(
                SameThreadExecutor.INSTANCE,
                () -> principal.whenComplete(
                        (p, failure) -> exchange.getIoThread().execute(() -> proceed(exchange, principal))));
    }

    private void proceed(HttpServerExchange exchange, CompletableFuture<Principal> principal) {
        try {
            exchange.putAttachment(Attachments.PRINCIPAL, principal.join());
        } catch (CompletionException e) {
            String message = e.getCause() instanceof AuthenticationException refused
                    ? refused.getMessage()
                    : "Invalid or expired credentials.";
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
            Responses.error(exchange, ApiError.unauthenticated(message));
            return;
        }
        try {
            next.handleRequest(exchange);
        } catch (Exception e) {
            ErrorGuardHandler.fail(exchange, e);
        }
    }

    private static @Nullable String token(HttpServerExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return exchange.getRequestHeaders().getFirst(API_KEY);
    }
}
