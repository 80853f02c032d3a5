package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model clients can name (an entry of the {@code models} key) and the deployments that serve it.
 * Immutable.
 */
public record ModelConfig(String name, List<Deployment> deployments) {

    public ModelConfig {
        requireNonNull(name, "name");
        deployments = List.copyOf(deployments);
    }

    /**
     * One deployment of a model: a provider and the provider's own model name, with a weight for
     * weighted choice and optional cluster-wide limits that protect the provider's quota. Immutable.
     *
     * @param rpm requests per minute this deployment may receive from the whole cluster, or null
     * @param tpm tokens per minute this deployment may receive from the whole cluster, or null
     */
    public record Deployment(
            String provider,
            String model,
            int weight,
            @Nullable Long rpm,
            @Nullable Long tpm) {
        public Deployment {
            requireNonNull(provider, "provider");
            requireNonNull(model, "model");
        }

        /** A deployment without limits of its own. */
        public Deployment(String provider, String model, int weight) {
            this(provider, model, weight, null, null);
        }
    }
}
