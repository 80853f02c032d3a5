package io.gatehouse.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Maps an OpenAI-style upstream error to what the client sees. Errors that are the client's to fix
 * (400, 413, 422, 429) keep their status and the upstream's message; errors that are the gateway's
 * or the provider's (bad credentials, unknown deployment, 5xx) become 502 without upstream detail,
 * which could reveal configuration.
 */
final class OpenAiErrors {
    private OpenAiErrors() {}

    static ApiError map(int status, byte[] body, String provider) {
        JsonNode error = errorObject(body);
        return switch (status) {
            case 400, 413, 422 -> fromErrorObject(error, status == 422 ? 400 : status, provider);
            case 401, 403 ->
                ApiError.upstreamFailed("Provider '"
                        + provider
                        + "' rejected the gateway's credentials; an administrator must update them.");
            case 404 ->
                ApiError.upstreamFailed("Provider '"
                        + provider
                        + "' does not serve the configured model; an administrator must fix the"
                        + " deployment.");
            case 408 -> ApiError.upstreamTimeout("Provider '" + provider + "' timed out.");
            case 429 -> {
                ApiError upstream = fromErrorObject(error, 429, provider);
                yield new ApiError(429, "rate_limit_error", upstream.code(), upstream.message(), upstream.param());
            }
            default -> ApiError.upstreamFailed("Provider '" + provider + "' failed (HTTP " + status + "); try again.");
        };
    }

    /** Reads the {@code error} member of an OpenAI error body, if there is one. */
    private static @Nullable JsonNode errorObject(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject() && node.get("error") != null) {
                return node.get("error");
            }
        } catch (IOException e) {
            // not JSON: the status alone decides
        }
        return null;
    }

    static ApiError fromErrorObject(@Nullable JsonNode error, int status, String provider) {
        if (error == null || !error.isObject()) {
            String message = error != null && error.isTextual()
                    ? error.asText()
                    : "Provider '" + provider + "' rejected the request (HTTP " + status + ").";
            return new ApiError(
                    status, status == 429 ? "rate_limit_error" : "invalid_request_error", null, message, null);
        }
        String type = error.path("type").asText("");
        if (type.isEmpty()) {
            type = status >= 500 ? "upstream_error" : "invalid_request_error";
        }
        String message = error.path("message").asText("Provider '" + provider + "' rejected the request.");
        JsonNode code = error.get("code");
        JsonNode param = error.get("param");
        return new ApiError(
                status,
                type,
                code == null || code.isNull() ? null : code.asText(),
                message,
                param == null || param.isNull() ? null : param.asText());
    }
}
