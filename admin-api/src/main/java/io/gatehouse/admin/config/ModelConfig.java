package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

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
     * weighted choice. Immutable.
     */
    public record Deployment(String provider, String model, int weight) {
        public Deployment {
            requireNonNull(provider, "provider");
            requireNonNull(model, "model");
        }
    }
}
