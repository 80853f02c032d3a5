package io.gatehouse.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Maps an Anthropic error ({@code {"type":"error","error":{"type","message"}}}, as a response body
 * or a stream event) to what the client sees, by its error type, or by the HTTP status when the
 * type is missing or new. Errors that are the client's to fix keep their meaning and Anthropic's
 * message: {@code invalid_request_error} 400, {@code request_too_large} 413, {@code
 * rate_limit_error} 429. Errors that are the gateway's or the provider's become 502 without
 * upstream detail, which could reveal configuration: {@code authentication_error}, {@code
 * permission_error} and {@code billing_error} (the gateway's key or account), {@code
 * not_found_error} (the deployment names a model the key cannot use), {@code api_error}. {@code
 * timeout_error} is 504.
 *
 * <p>{@code overloaded_error} (HTTP 529) becomes 503, not 502: the provider is healthy but has no
 * capacity for a moment, the request itself was fine and the same request can succeed shortly.
 * That is what 503 means to clients and load balancers (and to the gateway's own notion of "no
 * healthy deployment"), and every OpenAI and Anthropic SDK retries it with back-off; 502 is kept
 * for a provider that failed or is misconfigured. Stateless and thread-safe.
 */
final class AnthropicErrors {
    private AnthropicErrors() {}

    /** The client-facing error for an Anthropic error response with {@code status}. */
    static ApiError map(int status, byte[] body, String provider) {
        return fromErrorObject(errorObject(body), status, provider);
    }

    /** The client-facing error for the {@code error} member of an Anthropic error response. */
    private static ApiError fromErrorObject(@Nullable JsonNode error, int status, String provider) {
        String type = error != null && error.isObject() ? error.path("type").asText("") : "";
        String message =
                error != null && error.isObject() && error.path("message").isTextual()
                        ? error.get("message").asText()
                        : "Provider '" + provider + "' rejected the request"
                                + (status == 0 ? "." : " (HTTP " + status + ").");
        return switch (type.isEmpty() ? typeOfStatus(status) : type) {
            case "invalid_request_error" -> new ApiError(400, "invalid_request_error", null, message, null);
            case "request_too_large" -> new ApiError(413, "invalid_request_error", "request_too_large", message, null);
            case "rate_limit_error" -> new ApiError(429, "rate_limit_error", "rate_limit_exceeded", message, null);
            case "authentication_error", "permission_error", "billing_error" ->
                ApiError.upstreamFailed("Provider '"
                        + provider
                        + "' rejected the gateway's credentials; an administrator must update them.");
            case "not_found_error" ->
                ApiError.upstreamFailed("Provider '"
                        + provider
                        + "' does not serve the configured model; an administrator must fix the deployment.");
            case "overloaded_error" ->
                new ApiError(
                        503,
                        "service_unavailable",
                        "upstream_overloaded",
                        "Provider '" + provider + "' is overloaded; try again shortly.",
                        null);
            case "timeout_error" -> ApiError.upstreamTimeout("Provider '" + provider + "' timed out.");
            default -> ApiError.upstreamFailed("Provider '" + provider + "' failed (HTTP " + status + "); try again.");
        };
    }

    /** The error type Anthropic documents for a status, for bodies that do not say. */
    /**
     * An {@code error} event after the answer began. Like any upstream failure mid-stream it carries
     * no provider message (which could reveal configuration), only the error type for diagnosis; it is
     * 503 when the provider was overloaded, for the reason above, and 502 otherwise.
     */
    static ApiError midStream(@Nullable JsonNode error) {
        String type = error != null && error.isObject() ? error.path("type").asText("") : "";
        String hint = type.matches("[A-Za-z0-9_.-]{1,64}") ? " (" + type + ")" : "";
        String message = "The provider failed while streaming the answer" + hint + ".";
        if (type.equals("overloaded_error")) {
            return new ApiError(503, "service_unavailable", "upstream_overloaded", message, null);
        }
        return ApiError.upstreamFailed(message);
    }

    private static String typeOfStatus(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408, 504 -> "timeout_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    private static @Nullable JsonNode errorObject(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject() && node.path("error").isObject()) {
                return node.get("error");
            }
        } catch (IOException e) {
            // not JSON (a proxy's HTML page, say): the status alone decides
        }
        return null;
    }
}
