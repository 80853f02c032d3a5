package io.gatehouse.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Maps a Google API error ({@code {"error":{"code","message","status","details"}}}, the
 * google.rpc.Status shape) to what the client sees, by its canonical {@code status}:
 *
 * <ul>
 *   <li>{@code INVALID_ARGUMENT}, {@code OUT_OF_RANGE}: 400 with Google's message (the client's to
 *       fix), except an invalid API key, which Gemini also reports as {@code INVALID_ARGUMENT};
 *   <li>{@code UNAUTHENTICATED}, {@code PERMISSION_DENIED}, invalid API keys, {@code
 *       FAILED_PRECONDITION} (such as billing or region restrictions of the gateway's project) and
 *       {@code NOT_FOUND}: 502 without Google's detail, which describes the gateway's configuration;
 *   <li>{@code RESOURCE_EXHAUSTED}: 429, with the retry delay Google suggests;
 *   <li>{@code DEADLINE_EXCEEDED}: 504; everything else ({@code UNAVAILABLE}, {@code INTERNAL}, ...):
 *       502.
 * </ul>
 *
 * A body that is not in this shape is mapped by its HTTP status alone. Stateless and thread-safe.
 */
final class GeminiErrors {
    private static final Pattern SECONDS = Pattern.compile("(\\d+)(?:\\.\\d+)?s");

    private GeminiErrors() {}

    static ApiError map(int httpStatus, byte[] body, String provider) {
        JsonNode error = errorObject(body);
        if (error == null) {
            return byStatus(canonical(httpStatus), null, null, httpStatus, provider);
        }
        return fromError(error, httpStatus, provider);
    }

    /** The client-facing error for the {@code error} member of a Google error body. */
    private static ApiError fromError(JsonNode error, int httpStatus, String provider) {
        String status = error.path("status").asText("");
        int code = error.path("code").asInt(httpStatus);
        if (status.isEmpty()) {
            status = canonical(code);
        }
        String message = error.path("message").asText("");
        return byStatus(status, message.isEmpty() ? null : message, error.get("details"), code, provider);
    }

    private static ApiError byStatus(
            String status, @Nullable String message, @Nullable JsonNode details, int code, String provider) {
        return switch (status) {
            case "INVALID_ARGUMENT", "OUT_OF_RANGE" -> {
                if (hasReason(details, "API_KEY_INVALID")) {
                    yield credentialsRejected(provider);
                }
                yield ApiError.badRequest(
                        message == null ? "Provider '" + provider + "' rejected the request as invalid." : message,
                        null);
            }
            case "UNAUTHENTICATED", "PERMISSION_DENIED" -> credentialsRejected(provider);
            case "FAILED_PRECONDITION" ->
                ApiError.upstreamFailed("Provider '"
                        + provider
                        + "' refused to serve the gateway's project (FAILED_PRECONDITION); an administrator must"
                        + " check the provider account's billing and region settings.");
            case "NOT_FOUND" ->
                ApiError.upstreamFailed("Provider '"
                        + provider
                        + "' does not serve the configured model; an administrator must fix the deployment.");
            case "RESOURCE_EXHAUSTED" -> {
                String delay = retryDelay(details);
                yield ApiError.rateLimited("Provider '"
                        + provider
                        + "' is rate limiting the gateway (RESOURCE_EXHAUSTED); try again"
                        + (delay == null ? " later." : " in " + delay + "."));
            }
            case "DEADLINE_EXCEEDED" -> ApiError.upstreamTimeout("Provider '" + provider + "' timed out.");
            default ->
                ApiError.upstreamFailed("Provider '"
                        + provider
                        + "' failed ("
                        + (code > 0 ? "HTTP " + code + " " : "")
                        + status
                        + "); try again.");
        };
    }

    private static ApiError credentialsRejected(String provider) {
        return ApiError.upstreamFailed(
                "Provider '" + provider + "' rejected the gateway's credentials; an administrator must update them.");
    }

    /** The canonical status Google uses with an HTTP status. */
    static String canonical(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 500 -> "INTERNAL";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "UNKNOWN";
        };
    }

    private static boolean hasReason(@Nullable JsonNode details, String reason) {
        if (details == null || !details.isArray()) {
            return false;
        }
        for (JsonNode detail : details) {
            if (detail.path("reason").asText("").equals(reason)) {
                return true;
            }
        }
        return false;
    }

    /** The delay of a google.rpc.RetryInfo detail, such as {@code 37s}, if there is one. */
    private static @Nullable String retryDelay(@Nullable JsonNode details) {
        if (details == null || !details.isArray()) {
            return null;
        }
        for (JsonNode detail : details) {
            if (detail.path("@type").asText("").endsWith("google.rpc.RetryInfo")) {
                Matcher m = SECONDS.matcher(detail.path("retryDelay").asText(""));
                if (m.matches()) {
                    return m.group(1) + "s";
                }
            }
        }
        return null;
    }

    /**
     * The {@code error} member of a Google error body. Streaming endpoints without {@code alt=sse}
     * wrap it in an array, so that form is accepted too.
     */
    private static @Nullable JsonNode errorObject(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isArray() && node.size() == 1) {
                node = node.get(0);
            }
            if (node != null && node.isObject() && node.path("error").isObject()) {
                return node.get("error");
            }
        } catch (IOException e) {
            // not JSON: the status alone decides
        }
        return null;
    }
}
