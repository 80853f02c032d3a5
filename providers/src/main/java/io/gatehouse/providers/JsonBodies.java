package io.gatehouse.providers;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reading and validating fields of JSON request bodies, with errors that name the field. Shared by
 * the request parsers of each client dialect. Stateless and thread-safe.
 */
public final class JsonBodies {
    private JsonBodies() {}

    public static ObjectNode parseObject(byte[] json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            // Limit violations (nesting depth, number length) carry no location.
            JsonLocation at = e.getLocation();
            throw new ApiException(ApiError.badRequest(
                    at == null
                            ? "The request body is not valid JSON (it exceeds a nesting or size limit)."
                            : "The request body is not valid JSON (at line "
                                    + at.getLineNr()
                                    + ", column "
                                    + at.getColumnNr()
                                    + ").",
                    null));
        } catch (IOException e) {
            throw new ApiException(ApiError.badRequest("The request body could not be read.", null));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(ApiError.badRequest("The request body must be a JSON object.", null));
        }
        return (ObjectNode) node;
    }

    public static String requiredString(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new ApiException(ApiError.badRequest("'" + field + "' is required.", field));
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new ApiException(ApiError.badRequest("'" + field + "' must be a non-empty string.", field));
        }
        return value.asText();
    }

    public static boolean optionalBoolean(ObjectNode body, String field, boolean fallback) {
        return optionalBoolean(body, field, field, fallback);
    }

    public static boolean optionalBoolean(ObjectNode body, String field, String path, boolean fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new ApiException(ApiError.badRequest("'" + path + "' must be a boolean.", path));
        }
        return value.booleanValue();
    }

    public static @Nullable Integer optionalPositiveInt(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1) {
            throw new ApiException(
                    ApiError.badRequest(field + ": " + value + " (expected: a positive integer)", field));
        }
        return value.intValue();
    }

    public static void optionalNumberInRange(ObjectNode body, String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            throw new ApiException(ApiError.badRequest(
                    field + ": " + value + " (expected: a number in " + min + ".." + max + ")", field));
        }
    }
}
