package io.gatehouse.policy;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the policy engine decided for one request. Immutable.
 *
 * @param allowed whether the request may proceed
 * @param policy the name of the policy that decided ({@link PolicyEngine#NO_MATCH} when none did)
 * @param message why it was refused (for a refusal), sent to the client
 * @param model the model (route) that serves the request, after any rewrite
 * @param allowedModels the models the matching policy allows; empty means any
 * @param limits the limits to enforce, with their key evaluated, or null
 * @param cache the response cache scope and mode
 * @param maxTokens the cap on output tokens, or null
 * @param budgetKey the budget to charge, or null
 */
public record Decision(
        boolean allowed,
        String policy,
        @Nullable String message,
        String model,
        Set<String> allowedModels,
        @Nullable Limits limits,
        Cache cache,
        @Nullable Integer maxTokens,
        @Nullable String budgetKey) {

    public Decision {
        requireNonNull(policy, "policy");
        requireNonNull(model, "model");
        allowedModels = Set.copyOf(allowedModels);
        requireNonNull(cache, "cache");
    }

    /**
     * Limits to apply, counted by {@code key}. Immutable.
     *
     * @param rpm requests per minute, or null
     * @param tpm tokens per minute, or null
     * @param concurrent requests in flight, or null
     * @param key the evaluated counting key, e.g. a subject or a tenant
     */
    public record Limits(
            @Nullable Long rpm,
            @Nullable Long tpm,
            @Nullable Long concurrent,
            String key) {
        public Limits {
            requireNonNull(key, "key");
        }
    }

    /**
     * Where cached answers are shared and how they are matched. Immutable.
     *
     * @param scope {@code tenant} (default) or {@code subject}; never wider than the tenant
     * @param mode {@code exact} (default), {@code semantic} or {@code off}
     */
    public record Cache(String scope, String mode) {
        public static final Cache DEFAULT = new Cache("tenant", "exact");

        public Cache {
            requireNonNull(scope, "scope");
            requireNonNull(mode, "mode");
        }
    }
}
