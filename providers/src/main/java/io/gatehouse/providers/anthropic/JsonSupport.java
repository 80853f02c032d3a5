package io.gatehouse.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.Json;
import java.io.IOException;

/** Reading and writing the JSON of this package. */
final class JsonSupport {
    private JsonSupport() {}

    /** Parses an upstream's body, failing with a 502 if it is not a JSON object. */
    static ObjectNode upstreamObject(byte[] body, String what) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return (ObjectNode) node;
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new ApiException(ApiError.upstreamFailed("The provider sent " + what + " that is not a JSON object."));
    }

    static byte[] write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise JSON", e);
        }
    }

    static String writeString(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise JSON", e);
        }
    }

    static ApiException badRequest(String message, String param) {
        return new ApiException(ApiError.badRequest(message, param));
    }

    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }
}
