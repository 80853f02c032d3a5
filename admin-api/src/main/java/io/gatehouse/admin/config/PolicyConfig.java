package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One policy (an entry of the {@code policies} key), as written; its CEL is compiled by the node's
 * policy engine. Immutable.
 *
 * @param action {@code allow} or {@code deny}
 */
public record PolicyConfig(
        String name,
        String when,
        String action,
        @Nullable String message,
        List<String> allowModels,
        Map<String, String> routes,
        @Nullable Limits limits,
        @Nullable String cacheScope,
        @Nullable String cacheMode,
        @Nullable Integer maxTokens,
        @Nullable String budgetKey) {

    public PolicyConfig {
        requireNonNull(name, "name");
        requireNonNull(when, "when");
        requireNonNull(action, "action");
        allowModels = List.copyOf(allowModels);
        routes = Map.copyOf(routes);
    }

    /** A policy's limits; {@code key} is a CEL expression. Immutable. */
    public record Limits(
            @Nullable Long rpm,
            @Nullable Long tpm,
            @Nullable Long concurrent,
            String key) {
        public Limits {
            requireNonNull(key, "key");
        }
    }
}
