package io.gatehouse.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Gemini wire-format samples under {@code src/test/resources/fixtures/gemini}, and helpers to compare. */
final class GeminiFixtures {
    /** The instant the fixtures' {@code created} fields show. */
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1767225600), ZoneOffset.UTC);

    private GeminiFixtures() {}

    static String text(String name) {
        try (InputStream in = GeminiFixtures.class.getResourceAsStream("/fixtures/gemini/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String name) {
        return text(name).getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode json(String name) {
        return json(bytes(name));
    }

    static JsonNode json(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text (not a fixture name). */
    static JsonNode parse(String jsonText) {
        return json(jsonText.getBytes(StandardCharsets.UTF_8));
    }

    static ChatRequest chat(String json) {
        return ChatRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A translator with predictable ids ({@code id1}, {@code id2}, ...) and the fixtures' clock. */
    static GeminiTranslator translator() {
        return new GeminiTranslator(Ids.counting(), CLOCK);
    }
}
