package io.gatehouse.node.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writing whole JSON and text responses, and errors in the shape of the client's dialect. Call on
 * the IO thread, or on the one thread that has a dispatched exchange to itself.
 */
public final class Responses {
    private Responses() {}

    /** Sends {@code json} with {@code status} and ends the exchange. */
    public static void json(HttpServerExchange exchange, int status, byte[] json) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(ByteBuffer.wrap(json));
    }

    /** Sends {@code text} with {@code status} and {@code contentType}, and ends the exchange. */
    public static void text(HttpServerExchange exchange, int status, String contentType, String text) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends {@code error} in the shape of the exchange's {@link ClientDialect} (OpenAI's, {@code
     * {"error":{"message","type","param","code"}}}, unless the endpoint chose another) and records
     * it for the access log. If the response has already begun, the connection is closed instead,
     * since a status can no longer be sent.
     */
    public static void error(HttpServerExchange exchange, ApiError error) {
        exchange.putAttachment(Attachments.ERROR, error);
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        json(exchange, error.status(), dialect(exchange).errorBody(error));
    }

    /** The dialect the exchange's client speaks. */
    static ClientDialect dialect(HttpServerExchange exchange) {
        ClientDialect dialect = exchange.getAttachment(Attachments.DIALECT);
        return dialect == null ? ClientDialect.openAi() : dialect;
    }

    /** The OpenAI error body for {@code error}. */
    public static byte[] errorBody(ApiError error) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode body = root.putObject("error");
        body.put("message", error.message());
        body.put("type", error.type());
        body.put("param", error.param());
        body.put("code", error.code());
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
