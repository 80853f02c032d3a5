package io.gatehouse.providers.bedrock;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One decoded message of an AWS event stream: its headers (values typed as the frame declared them:
 * {@code String}, {@code byte[]}, {@code Boolean}, {@code Byte}, {@code Short}, {@code Integer},
 * {@code Long}, {@code java.time.Instant} or {@code java.util.UUID}) and its payload bytes.
 * Immutable by convention: the payload array must not be modified.
 *
 * @param headers header values by name, in frame order
 * @param payload the message payload (JSON for Bedrock's events and exceptions)
 */
record EventStreamMessage(Map<String, Object> headers, byte[] payload) {

    EventStreamMessage {
        requireNonNull(headers, "headers");
        requireNonNull(payload, "payload");
    }

    /** The value of a string header, or null when it is absent or not a string. */
    @Nullable
    String stringHeader(String name) {
        return headers.get(name) instanceof String value ? value : null;
    }
}
