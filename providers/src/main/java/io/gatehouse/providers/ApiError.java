package io.gatehouse.providers;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A failure that reaches a client: an HTTP status plus the fields of OpenAI's error body
 * ({@code {"error":{"message","type","param","code"}}}). Immutable and thread-safe.
 *
 * <p>Messages must never carry secrets, prompt text or stack traces: they are sent to clients.
 */
public record ApiError(
        int status,
        String type,
        @Nullable String code,
        String message,
        @Nullable String param) {

    public ApiError {
        requireNonNull(type, "type");
        requireNonNull(message, "message");
    }

    public static ApiError badRequest(String message, @Nullable String param) {
        return new ApiError(400, "invalid_request_error", "invalid_request", message, param);
    }

    public static ApiError unauthenticated(String message) {
        return new ApiError(401, "authentication_error", "invalid_api_key", message, null);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, "permission_error", "forbidden", message, null);
    }

    public static ApiError unknownModel(String model) {
        return new ApiError(
                404,
                "invalid_request_error",
                "model_not_found",
                "The model '" + model + "' does not exist or you do not have access to it.",
                "model");
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", "not_found", message, null);
    }

    public static ApiError methodNotAllowed(String method) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", method + " is not allowed here.", null);
    }

    public static ApiError tooLarge(long limitBytes) {
        return new ApiError(
                413,
                "invalid_request_error",
                "request_too_large",
                "The request body is larger than " + limitBytes + " bytes; send a smaller request.",
                null);
    }

    public static ApiError unsupportedMediaType(@Nullable String contentType) {
        return new ApiError(
                415,
                "invalid_request_error",
                "unsupported_media_type",
                "Content-Type " + (contentType == null ? "(none)" : "'" + contentType + "'")
                        + " is not supported (expected: application/json).",
                null);
    }

    public static ApiError rateLimited(String message) {
        return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", message, null);
    }

    public static ApiError upstreamFailed(String message) {
        return new ApiError(502, "upstream_error", "upstream_failed", message, null);
    }

    public static ApiError noHealthyDeployment(String model) {
        return new ApiError(
                503,
                "service_unavailable",
                "no_healthy_deployment",
                "No healthy deployment is available for model '" + model + "'; try again shortly.",
                null);
    }

    public static ApiError upstreamTimeout(String message) {
        return new ApiError(504, "timeout_error", "upstream_timeout", message, null);
    }

    public static ApiError internal() {
        return new ApiError(
                500,
                "server_error",
                "internal_error",
                "The gateway failed to process the request; it has been logged.",
                null);
    }
}
