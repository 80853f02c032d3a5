package io.gatehouse.providers;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reading and validating fields of JSON request bodies, with errors that name the field. Shared by
 * the request parsers of each client dialect. Stateless and thread-safe.
 */
public final class JsonBodies {
    /** Reads one member's value; the object around it goes on, so what follows is not "trailing". */
    private static final ObjectReader MEMBER_VALUES =
            Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {}

    /** A request body parsed, and the body as sent when its model member could be located in it. */
    public record Parsed(ObjectNode body, @Nullable SentBody sent) {}

    public static ObjectNode parseObject(byte[] json) {
        return parse(json).body();
    }

    /**
     * Parses a request body that must be a JSON object, noting where its top-level {@code model}
     * member lies when that is a string, in the same pass.
     *
     * @throws ApiException with a 400 when the body is not one JSON object
     */
    public static Parsed parse(byte[] json) {
        try (JsonParser parser = Json.MAPPER.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Parsed(notAnObject(json), null);
            }
            ObjectNode body = Json.MAPPER.getNodeFactory().objectNode();
            long memberStart = -1;
            long valueStart = -1;
            long valueEnd = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                long nameAt = parser.currentTokenLocation().getByteOffset();
                if (parser.nextToken() == JsonToken.VALUE_STRING && name.equals("model")) {
                    memberStart = nameAt;
                    valueStart = parser.currentTokenLocation().getByteOffset();
                    body.put(name, parser.getText());
                    valueEnd = parser.currentLocation().getByteOffset();
                } else {
                    body.set(name, MEMBER_VALUES.readTree(parser));
                }
            }
            if (parser.nextToken() != null) {
                throw invalid(parser.currentTokenLocation());
            }
            return new Parsed(body, sent(json, memberStart, valueStart, valueEnd));
        } catch (JacksonException e) {
            throw invalid(e.getLocation());
        } catch (IOException e) {
            throw new ApiException(ApiError.badRequest("The request body could not be read.", null));
        }
    }

    /**
     * The body as sent, when the model's place is known and looks right (a quoted value after a
     * quoted name): the offsets are the parser's, and a wrong one must not cut the body apart.
     */
    private static @Nullable SentBody sent(byte[] json, long memberStart, long valueStart, long valueEnd) {
        if (memberStart < 0
                || memberStart >= valueStart
                || valueStart >= valueEnd
                || valueEnd > json.length
                || json[(int) memberStart] != '"'
                || json[(int) valueStart] != '"'
                || json[(int) valueEnd - 1] != '"') {
            return null;
        }
        return new SentBody(json, (int) memberStart, (int) valueStart, (int) valueEnd);
    }

    /** The error for a body that does not start an object: invalid JSON, or JSON of another kind. */
    private static ObjectNode notAnObject(byte[] json) {
        try {
            Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw invalid(e.getLocation());
        } catch (IOException e) {
            throw new ApiException(ApiError.badRequest("The request body could not be read.", null));
        }
        throw new ApiException(ApiError.badRequest("The request body must be a JSON object.", null));
    }

    private static ApiException invalid(@Nullable JsonLocation at) {
        // Limit violations (nesting depth, number length) carry no location.
        return new ApiException(ApiError.badRequest(
                at == null
                        ? "The request body is not valid JSON (it exceeds a nesting or size limit)."
                        : "The request body is not valid JSON (at line "
                                + at.getLineNr()
                                + ", column "
                                + at.getColumnNr()
                                + ").",
                null));
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
