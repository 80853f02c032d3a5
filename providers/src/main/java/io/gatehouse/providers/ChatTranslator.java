package io.gatehouse.providers;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Translates chat requests and responses between the canonical (OpenAI) shape and one provider
 * family's wire format. Stateless and thread-safe; per-stream state lives in the {@link
 * StreamTranslator} it creates.
 */
public interface ChatTranslator {

    /** The upstream request body for {@code request} sent to {@code upstreamModel}. */
    byte[] requestBody(ChatRequest request, String upstreamModel);

    /**
     * The upstream's successful non-streaming response, in OpenAI's {@code chat.completion} shape.
     *
     * @throws ApiException if the body cannot be understood
     */
    Translated response(byte[] upstreamBody, ChatRequest request);

    /** A translator for one streamed response to {@code request}. */
    StreamTranslator stream(ChatRequest request);

    /** The client-facing error for an upstream error response. */
    ApiError error(int status, byte[] upstreamBody, String provider);

    /**
     * The client-facing error for an upstream error response, for families whose error kind travels
     * in a header (AWS's {@code x-amzn-ErrorType}); others need only the body.
     *
     * @param headers the upstream response's headers by (case-insensitive) name
     */
    default ApiError error(
            int status, Function<String, @Nullable String> headers, byte[] upstreamBody, String provider) {
        return error(status, upstreamBody, provider);
    }

    /**
     * A translated response body and the usage read from it. Immutable by convention.
     *
     * @param json the body in OpenAI's shape
     * @param usage the tokens used
     */
    record Translated(byte[] json, Usage usage) {}
}
