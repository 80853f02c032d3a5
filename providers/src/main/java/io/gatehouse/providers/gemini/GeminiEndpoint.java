package io.gatehouse.providers.gemini;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Endpoint;
import java.net.URI;

/**
 * The Gemini API's URL layout (Google AI): {@code {base_url}/v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :batchEmbedContents}, with the model in the
 * path. Immutable.
 */
public final class GeminiEndpoint implements Endpoint {
    /** Where the Gemini API lives when no {@code base_url} is configured. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://generativelanguage.googleapis.com");

    private final String models;

    /** @param baseUrl the API root, such as {@link #DEFAULT_BASE_URL} (without {@code /v1beta}) */
    public GeminiEndpoint(URI baseUrl) {
        this.models =
                GoogleUrls.stripTrailingSlash(requireNonNull(baseUrl, "baseUrl").toString()) + "/v1beta/models/";
    }

    @Override
    public URI chat(String upstreamModel, boolean stream) {
        return URI.create(models
                + GoogleUrls.segment(GoogleUrls.modelId(upstreamModel))
                + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
    }

    @Override
    public URI embeddings(String upstreamModel) {
        return URI.create(models + GoogleUrls.segment(GoogleUrls.modelId(upstreamModel)) + ":batchEmbedContents");
    }
}
