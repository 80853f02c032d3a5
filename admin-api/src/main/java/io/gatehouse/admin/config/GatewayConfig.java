package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.store.DatabaseSettings;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A complete, validated gateway configuration: what one config file (or the embedded default, or
 * the database) declares. {@code auth} null means no credentials are required (loopback only);
 * {@code policies} null means every request is allowed, while an empty list refuses every request.
 * {@code shared} holds the cluster-wide sections (providers, models, auth, policies, limits, cache) as
 * written, which seed an empty database. {@code database} null means the file is the whole
 * configuration (no admin changes). Immutable; a change is a new instance swapped whole.
 */
public record GatewayConfig(
        NodeConfig node,
        List<ProviderConfig> providers,
        List<ModelConfig> models,
        @Nullable AuthConfig auth,
        @Nullable List<PolicyConfig> policies,
        ClusterConfig cluster,
        LimitsConfig limits,
        CacheConfig cache,
        ObjectNode shared,
        @Nullable DatabaseSettings database) {

    public GatewayConfig {
        requireNonNull(node, "node");
        providers = List.copyOf(providers);
        models = List.copyOf(models);
        policies = policies == null ? null : List.copyOf(policies);
        requireNonNull(cluster, "cluster");
        requireNonNull(limits, "limits");
        requireNonNull(cache, "cache");
        shared = shared.deepCopy();
    }

    /** The cluster-wide sections as written (a copy; {@code ${ENV}} references expanded). */
    @Override
    public ObjectNode shared() {
        return shared.deepCopy();
    }

    /** Leaves out {@link #shared()}, which holds credentials in clear. */
    @Override
    public String toString() {
        return "GatewayConfig[node=" + node + ", providers=" + providers + ", models=" + models + ", auth=" + auth
                + ", policies=" + policies + ", cluster=" + cluster + ", limits=" + limits + ", cache=" + cache
                + ", database="
                + (database == null ? null : database.url()) + "]";
    }
}
