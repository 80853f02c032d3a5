package io.gatehouse.providers.openai;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Endpoint;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Azure OpenAI's URL layout. With an {@code api-version}, the classic per-deployment form {@code
 * {base_url}/openai/deployments/{deployment}/chat/completions?api-version=...}, where the
 * deployment's model is the Azure deployment name; without one, the v1 form {@code
 * {base_url}/openai/v1/chat/completions} with the model in the body. Immutable.
 */
public final class AzureOpenAiEndpoint implements Endpoint {
    private final String base;
    private final @Nullable String apiVersion;

    /**
     * @param resourceUrl such as {@code https://my-resource.openai.azure.com}
     * @param apiVersion such as {@code 2024-10-21}, or null for the v1 API
     */
    public AzureOpenAiEndpoint(URI resourceUrl, @Nullable String apiVersion) {
        this.base = OpenAiEndpoint.stripTrailingSlash(
                requireNonNull(resourceUrl, "resourceUrl").toString());
        this.apiVersion = apiVersion;
    }

    @Override
    public URI chat(String upstreamModel, boolean stream) {
        return uri(upstreamModel, "chat/completions");
    }

    @Override
    public URI embeddings(String upstreamModel) {
        return uri(upstreamModel, "embeddings");
    }

    private URI uri(String deployment, String operation) {
        if (apiVersion == null) {
            return URI.create(base + "/openai/v1/" + operation);
        }
        return URI.create(base
                + "/openai/deployments/"
                + URLEncoder.encode(deployment, StandardCharsets.UTF_8)
                + "/"
                + operation
                + "?api-version="
                + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
    }
}
