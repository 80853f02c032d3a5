package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A complete, validated gateway configuration: what one config file (or the embedded default)
 * declares. Immutable; a change is a new instance swapped whole.
 */
public record GatewayConfig(NodeConfig node, List<ProviderConfig> providers, List<ModelConfig> models) {

    public GatewayConfig {
        requireNonNull(node, "node");
        providers = List.copyOf(providers);
        models = List.copyOf(models);
    }
}
