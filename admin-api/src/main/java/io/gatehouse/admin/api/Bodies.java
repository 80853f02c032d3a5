package io.gatehouse.admin.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads admin request bodies (on a worker thread): checks the content type and size, and parses
 * JSON, or YAML where a whole config document is accepted. Duplicate keys are errors.
 */
final class Bodies {
    /** Resource bodies are small; a whole config document may be larger. */
    static final int MAX_RESOURCE_BYTES = 1024 * 1024;

    static final int MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Bodies() {}

    /** A JSON object body. */
    static ObjectNode object(HttpServerExchange exchange) {
        JsonNode body = read(exchange, MAX_RESOURCE_BYTES, false);
        if (!body.isObject()) {
            throw new BadRequestException(400, "invalid_json", "The body must be a JSON object.");
        }
        return (ObjectNode) body;
    }

    /** A config document, JSON or YAML by its content type. */
    static JsonNode document(HttpServerExchange exchange) {
        return read(exchange, MAX_DOCUMENT_BYTES, true);
    }

    /** Whether the client asked for YAML ({@code Accept: application/yaml}). */
    static boolean wantsYaml(HttpServerExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        return accept != null && isYaml(accept);
    }

    private static JsonNode read(HttpServerExchange exchange, int maxBytes, boolean yamlAllowed) {
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        boolean yaml = type != null && isYaml(type);
        if (type == null || !(type.toLowerCase(Locale.ROOT).startsWith("application/json") || (yaml && yamlAllowed))) {
            throw new BadRequestException(
                    415,
                    "unsupported_media_type",
                    "Content-Type: " + type + " (expected: application/json"
                            + (yamlAllowed ? " or application/yaml" : "") + ")");
        }
        long declared = exchange.getRequestContentLength();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        exchange.startBlocking();
        try (InputStream in = exchange.getInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new BadRequestException(400, "unreadable_body", "The request body could not be read.");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (bytes.length == 0) {
            throw new BadRequestException(400, "empty_body", "The request has no body (expected: a JSON document).");
        }
        try {
            JsonNode node = (yaml ? YAML : JSON).readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new BadRequestException(400, "empty_body", "The request has no document.");
            }
            return node;
        } catch (JacksonException e) {
            var at = e.getLocation();
            throw new BadRequestException(
                    400,
                    yaml ? "invalid_yaml" : "invalid_json",
                    "The body is not valid " + (yaml ? "YAML" : "JSON")
                            + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                            + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException(400, "unreadable_body", "The request body could not be read.");
        }
    }

    private static boolean isYaml(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.contains("yaml");
    }

    private static BadRequestException tooLarge(int maxBytes) {
        return new BadRequestException(413, "request_too_large", "The body is larger than " + maxBytes + " bytes.");
    }
}
