package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A complete, validated gateway configuration. {@code auth} null means no credentials are required
 * (loopback only); {@code policies} null means every request is allowed, while an empty list
 * refuses every request.
 *
 * <p>A complete, validated gateway configuration: what one config file (or the embedded default)
 * declares. Immutable; a change is a new instance swapped whole.
 */
public record GatewayConfig(
        NodeConfig node,
        List<ProviderConfig> providers,
        List<ModelConfig> models,
        @Nullable AuthConfig auth,
        @Nullable List<PolicyConfig> policies,
        ClusterConfig cluster,
        LimitsConfig limits) {

    public GatewayConfig {
        requireNonNull(node, "node");
        providers = List.copyOf(providers);
        models = List.copyOf(models);
        policies = policies == null ? null : List.copyOf(policies);
        requireNonNull(cluster, "cluster");
        requireNonNull(limits, "limits");
    }
}
