package io.gatehouse.admin.api;

import io.gatehouse.admin.resources.InvalidResourceException;
import io.gatehouse.admin.store.DatabaseUnavailableException;
import io.gatehouse.admin.store.MasterKeyException;
import io.gatehouse.admin.store.ResourceConflictException;
import io.gatehouse.admin.store.ResourceNotFoundException;
import io.gatehouse.admin.store.RevisionMismatchException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's answer to each failure, in one place: the documented status, type and code, a
 * message that says what to do, and never a stack trace or a secret.
 */
final class AdminFailures {
    private static final Logger log = LoggerFactory.getLogger(AdminFailures.class);

    private AdminFailures() {}

    static void answer(HttpServerExchange exchange, Throwable failure) {
        switch (failure) {
            case AdminAuthenticator.AdminAuthException refused
            when refused.forbidden() ->
                AdminResponses.error(exchange, 403, "permission_error", null, "forbidden", refused.getMessage());
            case AdminAuthenticator.AdminAuthException refused ->
                AdminResponses.error(
                        exchange, 401, "authentication_error", null, "unauthenticated", refused.getMessage());
            case BadRequestException bad ->
                AdminResponses.error(
                        exchange, bad.status(), "invalid_request_error", null, bad.code(), bad.getMessage());
            case InvalidResourceException invalid ->
                AdminResponses.error(
                        exchange,
                        422,
                        "invalid_request_error",
                        invalid.field(),
                        "invalid_resource",
                        invalid.getMessage());
            case ResourceNotFoundException missing ->
                AdminResponses.error(
                        exchange,
                        404,
                        "invalid_request_error",
                        null,
                        "not_found",
                        missing.kind().table() + " \"" + missing.name() + "\" does not exist.");
            case ResourceConflictException conflict ->
                AdminResponses.error(
                        exchange,
                        409,
                        "invalid_request_error",
                        null,
                        "already_exists",
                        conflict.kind().table() + " \"" + conflict.name()
                                + "\" already exists; update it with PUT, or choose another name.");
            case RevisionMismatchException stale -> {
                exchange.getResponseHeaders().put(new HttpString("ETag"), ETags.of(stale.currentRevision()));
                AdminResponses.error(
                        exchange,
                        412,
                        "invalid_request_error",
                        null,
                        "stale_revision",
                        stale.kind().table() + " \"" + stale.name() + "\" changed since it was read (now "
                                + ETags.of(stale.currentRevision()) + "); read it again and retry.");
            }
            case ConfigEditor.StaleVersionException stale -> {
                exchange.getResponseHeaders().put(new HttpString("ETag"), ETags.ofVersion(stale.current()));
                AdminResponses.error(
                        exchange,
                        412,
                        "invalid_request_error",
                        null,
                        "stale_version",
                        stale.getMessage() + "; export it again and retry.");
            }
            case DatabaseUnavailableException down -> {
                exchange.getResponseHeaders().put(new HttpString("Retry-After"), "5");
                AdminResponses.error(
                        exchange,
                        503,
                        "service_unavailable",
                        null,
                        "database_unavailable",
                        "The configuration database cannot be reached, so nothing was changed; traffic is served"
                                + " on the last applied configuration. Retry when the database is back.");
            }
            case MasterKeyException key -> {
                log.error("admin request failed: {}", key.getMessage());
                AdminResponses.error(exchange, 500, "server_error", null, "master_key", key.getMessage());
            }
            default -> {
                log.error("admin request failed", failure);
                AdminResponses.error(
                        exchange, 500, "server_error", null, "internal_error", "Internal error; see the node's log.");
            }
        }
    }
}
