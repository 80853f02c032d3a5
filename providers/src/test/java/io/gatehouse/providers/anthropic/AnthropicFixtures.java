package io.gatehouse.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The wire-format samples under {@code src/test/resources/fixtures/anthropic}. */
final class AnthropicFixtures {
    private AnthropicFixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = AnthropicFixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture anthropic/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static JsonNode json(String name) {
        return read(bytes(name));
    }

    static JsonNode read(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode read(String json) {
        return read(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Single quotes stand for double quotes, to keep JSON in tests readable. */
    static byte[] quoted(String json) {
        return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    static ChatRequest chat(String json) {
        return ChatRequest.parse(quoted(json));
    }

    static ObjectNode object(String json) {
        return (ObjectNode) read(quoted(json));
    }
}
