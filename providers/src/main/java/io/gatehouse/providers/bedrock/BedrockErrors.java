package io.gatehouse.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Maps Bedrock's errors to what the client sees: HTTP error responses ({@code {"message": ...}}
 * with the error's name in the {@code x-amzn-ErrorType} header) and the exception messages of an
 * event stream ({@code :exception-type} such as {@code throttlingException}). For HTTP errors,
 * those that are the client's to fix keep the upstream message; credential, permission and model-id
 * problems become 502 without upstream detail, which could reveal configuration. Stateless.
 */
final class BedrockErrors {
    private BedrockErrors() {}

    /**
     * The client-facing error for an HTTP error response.
     *
     * @param errorType the {@code x-amzn-ErrorType} header, if the response had one
     */
    static ApiError map(int status, @Nullable String errorType, byte[] body, String provider) {
        JsonNode json = readObject(body);
        String type = errorType != null ? errorType : json == null ? null : textOrNull(json, "__type");
        if (type == null && json != null) {
            type = textOrNull(json, "code");
        }
        String message = json == null ? null : textOrNull(json, "message");
        if (message == null && json != null) {
            message = textOrNull(json, "Message");
        }
        return of(type == null ? null : shapeName(type), status, message, provider);
    }

    /**
     * The error for an exception or error message inside a stream ({@code :message-type} {@code
     * exception} or {@code error}). As for every provider, it becomes a 502 without Bedrock's message
     * (which could describe the gateway's account); the exception's name, a short identifier such as
     * {@code throttlingException}, is kept for diagnosis.
     */
    static ApiError midStream(@Nullable String exceptionType) {
        String hint = exceptionType != null && exceptionType.matches("[A-Za-z0-9_.:-]{1,64}")
                ? " (" + exceptionType + ")"
                : "";
        return ApiError.upstreamFailed("The provider failed while streaming the answer" + hint + ".");
    }

    private static ApiError of(@Nullable String shape, int status, @Nullable String message, String provider) {
        String kind = shape == null ? "" : shape.toLowerCase(Locale.ROOT);
        String text = message == null || message.isBlank()
                ? "Provider '" + provider + "' rejected the request" + (status > 0 ? " (HTTP " + status + ")." : ".")
                : message;
        return switch (kind) {
            case "validationexception" -> ApiError.badRequest(text, null);
            case "accessdeniedexception",
                    "unrecognizedclientexception",
                    "invalidsignatureexception",
                    "incompletesignatureexception",
                    "missingauthenticationtokenexception",
                    "expiredtokenexception",
                    "invalidclienttokenid",
                    "signaturedoesnotmatch" -> credentials(provider);
            case "resourcenotfoundexception" -> notServed(provider);
            case "throttlingexception", "servicequotaexceededexception" -> ApiError.rateLimited(text);
            case "modelnotreadyexception" ->
                ApiError.upstreamFailed(
                        "Provider '" + provider + "' is loading the configured model; try again shortly.");
            case "modeltimeoutexception" -> ApiError.upstreamTimeout("Provider '" + provider + "' timed out.");
            case "modelerrorexception" ->
                ApiError.upstreamFailed("The model behind provider '" + provider + "' failed; try again.");
            case "internalserverexception", "serviceunavailableexception" -> failed(provider, status);
            default -> byStatus(status, text, provider);
        };
    }

    private static ApiError byStatus(int status, String text, String provider) {
        return switch (status) {
            case 400, 413, 422 -> ApiError.badRequest(text, null);
            case 401, 403 -> credentials(provider);
            case 404 -> notServed(provider);
            case 408 -> ApiError.upstreamTimeout("Provider '" + provider + "' timed out.");
            case 429 -> ApiError.rateLimited(text);
            default -> failed(provider, status);
        };
    }

    private static ApiError credentials(String provider) {
        return ApiError.upstreamFailed(
                "Provider '" + provider + "' rejected the gateway's credentials; an administrator must update them.");
    }

    private static ApiError notServed(String provider) {
        return ApiError.upstreamFailed("Provider '"
                + provider
                + "' does not serve the configured model; an administrator must fix the deployment.");
    }

    private static ApiError failed(String provider, int status) {
        return ApiError.upstreamFailed(
                "Provider '" + provider + "' failed" + (status > 0 ? " (HTTP " + status + ")" : "") + "; try again.");
    }

    /**
     * The bare shape name of an AWS error code: {@code ValidationException} out of {@code
     * ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/} or {@code
     * com.amazon.bedrock#ValidationException}.
     */
    static String shapeName(String code) {
        String name = code.trim();
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        int hash = name.lastIndexOf('#');
        if (hash >= 0) {
            name = name.substring(hash + 1);
        }
        return name;
    }

    private static @Nullable JsonNode readObject(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static @Nullable String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }
}
