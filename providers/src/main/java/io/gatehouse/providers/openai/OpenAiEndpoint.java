package io.gatehouse.providers.openai;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Endpoint;
import java.net.URI;

/**
 * OpenAI's URL layout, shared by every OpenAI-compatible server: {@code {base_url}/chat/completions}
 * and {@code {base_url}/embeddings}, with the model in the body. Immutable.
 */
public final class OpenAiEndpoint implements Endpoint {
    private final URI chat;
    private final URI embeddings;

    /** @param baseUrl such as {@code https://api.openai.com/v1} or {@code http://vllm:8000/v1} */
    public OpenAiEndpoint(URI baseUrl) {
        String base = stripTrailingSlash(requireNonNull(baseUrl, "baseUrl").toString());
        this.chat = URI.create(base + "/chat/completions");
        this.embeddings = URI.create(base + "/embeddings");
    }

    @Override
    public URI chat(String upstreamModel, boolean stream) {
        return chat;
    }

    @Override
    public URI embeddings(String upstreamModel) {
        return embeddings;
    }

    static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
