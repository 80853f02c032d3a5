package io.gatehouse.policy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What policies may know about a request. Immutable.
 *
 * @param model the model the client asked for
 * @param endpoint {@code chat}, {@code embeddings}, {@code messages} or {@code models}
 * @param stream whether the answer is streamed
 * @param maxTokens the requested output cap, or null
 * @param promptTokens the estimated prompt tokens, computed only if a policy reads them
 * @param metadata the request's {@code x-gatehouse-meta-*} headers, without the prefix
 * @param time when the request arrived
 */
public record RequestFacts(
        String model,
        String endpoint,
        boolean stream,
        @Nullable Integer maxTokens,
        IntSupplier promptTokens,
        Map<String, String> metadata,
        Instant time) {

    public RequestFacts {
        requireNonNull(model, "model");
        requireNonNull(endpoint, "endpoint");
        requireNonNull(promptTokens, "promptTokens");
        metadata = Map.copyOf(metadata);
        requireNonNull(time, "time");
    }
}
