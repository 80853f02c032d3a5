package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * Admits admin API calls that carry the bootstrap admin token ({@code Authorization: Bearer
 * $GATEHOUSE_ADMIN_TOKEN}), compared in constant time; without a configured token the admin API is
 * closed.
 */
public final class AdminTokenHandler implements HttpHandler {
    private final byte @Nullable [] token;
    private final HttpHandler next;

    public AdminTokenHandler(@Nullable String token, HttpHandler next) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (token == null) {
            Responses.error(
                    exchange,
                    ApiError.unauthenticated(
                            "The admin API is closed: start the node with GATEHOUSE_ADMIN_TOKEN set."));
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        byte[] presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(presented, token)) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
            Responses.error(exchange, ApiError.unauthenticated("Send 'Authorization: Bearer <admin token>'."));
            return;
        }
        next.handleRequest(exchange);
    }
}
