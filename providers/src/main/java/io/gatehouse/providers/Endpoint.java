package io.gatehouse.providers;

import java.net.URI;

/** Where a provider's operations live for a given upstream model. Thread-safe. */
public interface Endpoint {

    /** The chat URI for {@code upstreamModel}. */
    URI chat(String upstreamModel, boolean stream);

    /** The embeddings URI for {@code upstreamModel}. */
    URI embeddings(String upstreamModel);
}
