package io.gatehouse.providers.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;

/**
 * Writes a client-facing error in Anthropic's shape, {@code
 * {"type":"error","error":{"type","message"}}}, for clients of the Anthropic-compatible endpoint.
 * The HTTP status stays the gateway's; the error type is the one Anthropic documents for it, so
 * Anthropic SDKs raise their matching exception. Stateless and thread-safe.
 */
public final class ApiErrorToAnthropic {
    private ApiErrorToAnthropic() {}

    /** The Anthropic error body for {@code error}. */
    public static byte[] body(ApiError error) {
        requireNonNull(error, "error");
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "error");
        ObjectNode body = root.putObject("error");
        body.put("type", type(error.status()));
        body.put("message", error.message());
        return JsonSupport.write(root);
    }

    /** Anthropic's error type for an HTTP status. */
    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
