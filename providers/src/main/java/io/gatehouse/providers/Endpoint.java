package io.gatehouse.providers;

import java.net.URI;
import java.util.Map;

/** Where a provider's operations live for a given upstream model. Thread-safe. */
public interface Endpoint {

    /** The chat URI for {@code upstreamModel}. */
    URI chat(String upstreamModel, boolean stream);

    /** The embeddings URI for {@code upstreamModel}. */
    URI embeddings(String upstreamModel);

    /**
     * Headers every request to this provider carries that are not credentials, such as Anthropic's
     * {@code anthropic-version}.
     */
    default Map<String, String> headers() {
        return Map.of();
    }
}
