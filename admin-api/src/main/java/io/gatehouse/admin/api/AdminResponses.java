package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Writes admin API answers: JSON bodies, and errors in the data plane's shape, {@code
 * {"error":{"message","type","param","code"}}}.
 */
final class AdminResponses {
    static final ObjectMapper JSON = new ObjectMapper();

    private AdminResponses() {}

    static void json(HttpServerExchange exchange, int status, JsonNode body) {
        try {
            bytes(exchange, status, "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void bytes(HttpServerExchange exchange, int status, String contentType, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    static void error(
            HttpServerExchange exchange, int status, String type, @Nullable String param, String code, String message) {
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        json(exchange, status, root);
    }
}
