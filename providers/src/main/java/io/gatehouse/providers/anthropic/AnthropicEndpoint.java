package io.gatehouse.providers.anthropic;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Endpoint;
import java.net.URI;
import java.util.Map;

/**
 * Anthropic's URL layout, {@code {base_url}/v1/messages} with the model in the body, and the
 * {@code anthropic-version} header every request carries. Immutable.
 */
public final class AnthropicEndpoint implements Endpoint {
    /** The API version this translation follows. */
    public static final String DEFAULT_VERSION = "2023-06-01";

    private final URI messages;
    private final Map<String, String> headers;

    /**
     * @param baseUrl such as {@code https://api.anthropic.com}
     * @param version the {@code anthropic-version} header, such as {@value #DEFAULT_VERSION}
     */
    public AnthropicEndpoint(URI baseUrl, String version) {
        String base = requireNonNull(baseUrl, "baseUrl").toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.messages = URI.create(base + "/v1/messages");
        this.headers = Map.of("anthropic-version", requireNonNull(version, "version"));
    }

    @Override
    public URI chat(String upstreamModel, boolean stream) {
        return messages;
    }

    /** Never called: the Anthropic provider is built without an embeddings translator. */
    @Override
    public URI embeddings(String upstreamModel) {
        throw new UnsupportedOperationException("Anthropic serves no embeddings");
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }
}
