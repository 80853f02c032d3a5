package io.gatehouse.providers;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The canonical chat request: OpenAI's chat-completions shape, validated. The fields every step of
 * the gateway reads are pulled out; the whole body is kept so parameters the gateway does not
 * interpret reach OpenAI-compatible upstreams unchanged.
 *
 * <p>Immutable by convention: {@link #body()} must not be modified; translators copy it.
 *
 * @param body the validated request object
 * @param model the model the client asked for (a gateway model name)
 * @param stream whether the client asked for server-sent events
 * @param includeUsage whether the client asked for the final usage chunk of a stream
 * @param maxTokens {@code max_completion_tokens} or {@code max_tokens}, when given
 * @param sent the body as the client sent it, when it is in OpenAI's shape and {@code body} is that
 *     body parsed, unchanged (relayed with only the model replaced); null otherwise
 */
public record ChatRequest(
        ObjectNode body,
        String model,
        boolean stream,
        boolean includeUsage,
        @Nullable Integer maxTokens,
        @Nullable SentBody sent) {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    public ChatRequest {
        requireNonNull(body, "body");
        requireNonNull(model, "model");
    }

    /**
     * Parses and validates a request body.
     *
     * @throws ApiException with a 400 that names the offending field
     */
    public static ChatRequest parse(byte[] json) {
        JsonBodies.Parsed parsed = JsonBodies.parse(json);
        ObjectNode body = parsed.body();
        String model = JsonBodies.requiredString(body, "model");
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw new ApiException(ApiError.badRequest("'messages' is required.", "messages"));
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new ApiException(
                    ApiError.badRequest("'messages' must be a non-empty array of message objects.", "messages"));
        }
        for (int i = 0; i < messages.size(); i++) {
            validateMessage(messages.get(i), "messages[" + i + "]");
        }
        boolean stream = JsonBodies.optionalBoolean(body, "stream", false);
        boolean includeUsage = false;
        JsonNode streamOptions = body.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw new ApiException(ApiError.badRequest("'stream_options' must be an object.", "stream_options"));
            }
            if (!stream) {
                throw new ApiException(ApiError.badRequest(
                        "'stream_options' is only allowed when 'stream' is true.", "stream_options"));
            }
            includeUsage = JsonBodies.optionalBoolean(
                    (ObjectNode) streamOptions, "include_usage", "stream_options.include_usage", false);
        }
        Integer maxTokens = JsonBodies.optionalPositiveInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = JsonBodies.optionalPositiveInt(body, "max_tokens");
        }
        JsonBodies.optionalNumberInRange(body, "temperature", 0, 2);
        JsonBodies.optionalNumberInRange(body, "top_p", 0, 1);
        Integer n = JsonBodies.optionalPositiveInt(body, "n");
        if (n != null && n > 128) {
            throw new ApiException(ApiError.badRequest("n: " + n + " (expected: 1..128)", "n"));
        }
        return new ChatRequest(body, model, stream, includeUsage, maxTokens, parsed.sent());
    }

    private static void validateMessage(JsonNode message, String path) {
        if (!message.isObject()) {
            throw new ApiException(ApiError.badRequest(path + " must be an object.", path));
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw new ApiException(ApiError.badRequest(
                    path + ".role must be one of system, developer, user, assistant, tool, function.", path + ".role"));
        }
        JsonNode content = message.get("content");
        if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
            throw new ApiException(ApiError.badRequest(
                    path + ".content must be a string or an array of content parts.", path + ".content"));
        }
    }
}
