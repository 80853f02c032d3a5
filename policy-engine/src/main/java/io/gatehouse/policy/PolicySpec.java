package io.gatehouse.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A policy as written by the platform team (one entry of the {@code policies} config key), before
 * compilation. Immutable.
 *
 * @param name how decisions, headers and logs name it
 * @param when a CEL expression over {@code claims}, {@code principal} and {@code request}; the policy
 *     applies when it is true
 * @param deny whether a match refuses the request
 * @param message the refusal message sent to the client (for {@code deny})
 * @param allowModels the models a match may use (and sees in {@code /v1/models}); empty means any
 * @param routes rewrites of the requested model to the model (route) that serves it
 * @param limits the limits to apply, or null for none
 * @param cache the cache scope and mode, or null for the defaults
 * @param maxTokens a cap on output tokens, or null
 * @param budgetKey a CEL expression giving the budget key, or null
 */
public record PolicySpec(
        String name,
        String when,
        boolean deny,
        @Nullable String message,
        List<String> allowModels,
        Map<String, String> routes,
        @Nullable LimitSpec limits,
        Decision.@Nullable Cache cache,
        @Nullable Integer maxTokens,
        @Nullable String budgetKey) {

    public PolicySpec {
        requireNonNull(name, "name");
        requireNonNull(when, "when");
        allowModels = List.copyOf(allowModels);
        routes = Map.copyOf(routes);
    }

    /**
     * Limits as configured. Immutable.
     *
     * @param rpm requests per minute, or null
     * @param tpm tokens (input + output) per minute, or null
     * @param concurrent requests in flight at once, or null
     * @param key a CEL expression giving the key the limits count by, e.g. {@code claims.sub}
     */
    public record LimitSpec(
            @Nullable Long rpm,
            @Nullable Long tpm,
            @Nullable Long concurrent,
            String key) {
        public LimitSpec {
            requireNonNull(key, "key");
        }
    }
}
