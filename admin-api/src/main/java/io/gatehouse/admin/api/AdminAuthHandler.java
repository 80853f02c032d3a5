package io.gatehouse.admin.api;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The door of every admin API endpoint: moves the exchange to the admin worker pool (admin calls
 * block on the database), recognises the caller, requires {@code role}, and hands on with the
 * caller attached. Every failure of the endpoint behind it is answered by {@link AdminFailures}.
 */
public final class AdminAuthHandler implements HttpHandler {
    /** The authenticated caller of this exchange. */
    public static final AttachmentKey<AdminCaller> CALLER = AttachmentKey.create(AdminCaller.class);

    private final AdminAuthenticator authenticator;
    private final AdminCaller.Role role;
    private final Executor executor;
    private final HttpHandler next;

    public AdminAuthHandler(
            AdminAuthenticator authenticator, AdminCaller.Role role, Executor executor, HttpHandler next) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.role = requireNonNull(role, "role");
        this.executor = requireNonNull(executor, "executor");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(executor, () -> handleRequest(exchange));
            return;
        }
        try {
            AdminCaller caller = authenticator.authenticate(token(exchange));
            if (!caller.role().includes(role)) {
                throw new AdminAuthenticator.AdminAuthException(
                        "This needs the " + role.name().toLowerCase(java.util.Locale.ROOT) + " role; "
                                + caller.subject() + " has "
                                + caller.role().name().toLowerCase(java.util.Locale.ROOT)
                                + ".",
                        true);
            }
            exchange.putAttachment(CALLER, caller);
            next.handleRequest(exchange);
        } catch (Throwable failure) {
            if (failure instanceof AdminAuthenticator.AdminAuthException refused && !refused.forbidden()) {
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
            }
            AdminFailures.answer(exchange, failure);
        }
    }

    /** The caller {@link AdminAuthHandler} attached. */
    static AdminCaller callerOf(HttpServerExchange exchange) {
        return requireNonNull(exchange.getAttachment(CALLER), "no admin caller attached");
    }

    private static @Nullable String token(HttpServerExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }
}
