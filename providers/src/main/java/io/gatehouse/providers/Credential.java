package io.gatehouse.providers;

import io.gatehouse.providers.transport.UpstreamRequest;

/**
 * Adds a provider's credentials to an outgoing request (an API key header, a bearer token, a
 * request signature), kept apart from translation. Thread-safe.
 */
@FunctionalInterface
public interface Credential {
    Credential NONE = request -> request;

    /** Returns the request with credentials applied. */
    UpstreamRequest apply(UpstreamRequest request);

    /** {@code Authorization: Bearer <key>}, as OpenAI and most compatible servers expect. */
    static Credential bearer(String key) {
        String value = "Bearer " + key;
        return request -> request.withHeader("Authorization", value);
    }

    /** A key in a header of its own, such as Azure OpenAI's {@code api-key}. */
    static Credential header(String name, String key) {
        return request -> request.withHeader(name, key);
    }
}
