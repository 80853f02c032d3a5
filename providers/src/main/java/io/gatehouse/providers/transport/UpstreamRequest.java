package io.gatehouse.providers.transport;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request to a provider: a POST of a JSON body, with the timeouts that apply to it.
 * Immutable.
 *
 * @param uri the full upstream URI
 * @param headers request headers (credentials included once a {@code Credential} has applied them)
 * @param body the JSON body
 * @param firstByteTimeout how long to wait for the response status line
 * @param idleTimeout how long the response may stay silent once it has begun
 */
public record UpstreamRequest(
        URI uri, Map<String, String> headers, byte[] body, Duration firstByteTimeout, Duration idleTimeout) {

    public UpstreamRequest {
        requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
        requireNonNull(body, "body");
        requireNonNull(firstByteTimeout, "firstByteTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Returns a copy with one more header. */
    public UpstreamRequest withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new UpstreamRequest(uri, copy, body, firstByteTimeout, idleTimeout);
    }

    /** Never prints the headers or body: they hold credentials and prompts. */
    @Override
    public String toString() {
        return "UpstreamRequest[POST " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath() + "]";
    }
}
