package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.node.routing.Target;
import io.gatehouse.policy.Decision;
import io.undertow.server.HttpServerExchange;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A set of limits that applies to a request, and the key its counters live under. Immutable.
 *
 * @param name how messages and metrics name it: a policy name, or {@code deployment:<provider>/<model>}
 * @param key the counters' key, unique to this scope
 * @param rpm requests per minute, or null
 * @param tpm tokens per minute, or null
 * @param concurrent requests in flight, or null
 * @param caller whether these are the caller's own limits, reported in the rate-limit headers
 */
public record LimitScope(
        String name,
        String key,
        @Nullable Long rpm,
        @Nullable Long tpm,
        @Nullable Long concurrent,
        boolean caller) {

    public LimitScope {
        requireNonNull(name, "name");
        requireNonNull(key, "key");
    }

    /** The limits the policy decision set for the caller, counted by the policy's key. */
    public static Function<HttpServerExchange, @Nullable LimitScope> ofDecision() {
        return exchange -> {
            Decision decision = exchange.getAttachment(Attachments.DECISION);
            Decision.Limits limits = decision == null ? null : decision.limits();
            if (limits == null) {
                return null;
            }
            return new LimitScope(
                    decision.policy(),
                    decision.policy() + ":" + limits.key(),
                    limits.rpm(),
                    limits.tpm(),
                    limits.concurrent(),
                    true);
        };
    }

    /** The limits of the chosen deployment, which protect its provider's quota for the whole cluster. */
    public static Function<HttpServerExchange, @Nullable LimitScope> ofDeployment() {
        return exchange -> {
            Target target = exchange.getAttachment(Attachments.TARGET);
            if (target == null || (target.rpm() == null && target.tpm() == null)) {
                return null;
            }
            String name = "deployment:" + target.providerName() + "/" + target.upstreamModel();
            return new LimitScope(name, name, target.rpm(), target.tpm(), null, false);
        };
    }
}
