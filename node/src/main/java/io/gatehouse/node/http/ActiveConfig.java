package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.CacheConfig;
import io.gatehouse.admin.config.LimitsConfig;
import io.gatehouse.node.routing.ModelCatalog;
import io.gatehouse.policy.Authenticator;
import io.gatehouse.policy.PolicyEngine;
import io.undertow.server.HttpServerExchange;

/**
 * The configuration a request runs on, pinned to it when it arrives: who may call, the policies,
 * the models, the limit and the cache settings, all of one config version. A new version is a new instance
 * swapped whole, so a request in flight finishes on the one it started with. Immutable.
 *
 * @param version the config version (0 when the node runs from its config file)
 */
public record ActiveConfig(
        long version,
        Authenticator authenticator,
        PolicyEngine policies,
        ModelCatalog catalog,
        LimitsConfig limits,
        CacheConfig cache) {
    public ActiveConfig {
        requireNonNull(authenticator, "authenticator");
        requireNonNull(policies, "policies");
        requireNonNull(catalog, "catalog");
        requireNonNull(limits, "limits");
        requireNonNull(cache, "cache");
    }

    /** The configuration pinned to {@code exchange} by {@link PinConfigHandler}. */
    public static ActiveConfig of(HttpServerExchange exchange) {
        return requireNonNull(exchange.getAttachment(Attachments.CONFIG), "no configuration pinned to the exchange");
    }
}
