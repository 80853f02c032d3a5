package io.gatehouse.node.routing;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ChatProvider;
import io.gatehouse.providers.EmbeddingProvider;
import org.jspecify.annotations.Nullable;

/**
 * One deployment a request can be sent to: a provider and the provider's own model name. Immutable.
 *
 * @param provider the provider's chat capability (every provider has one)
 * @param embeddings the provider's embeddings capability, if it has one
 * @param upstreamModel the model (or Azure deployment) name the provider knows
 * @param weight the deployment's share in weighted choice
 * @param rpm requests per minute the whole cluster may send it, or null
 * @param tpm tokens per minute the whole cluster may send it, or null
 */
public record Target(
        ChatProvider provider,
        @Nullable EmbeddingProvider embeddings,
        String upstreamModel,
        int weight,
        @Nullable Long rpm,
        @Nullable Long tpm) {

    public Target {
        requireNonNull(provider, "provider");
        requireNonNull(upstreamModel, "upstreamModel");
    }

    public String providerName() {
        return provider.name();
    }
}
