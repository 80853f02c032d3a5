package io.gatehouse.providers.bedrock;

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
import java.util.List;

/** Bedrock wire-format samples under {@code src/test/resources/fixtures/bedrock}. */
final class BedrockFixtures {
    /** The instant every test translator runs at: {@code created} in the expected fixtures. */
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_731_672_000L), ZoneOffset.UTC);

    private BedrockFixtures() {}

    static byte[] bytes(String path) {
        try (InputStream in = BedrockFixtures.class.getResourceAsStream("/fixtures/bedrock/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String path) {
        return read(bytes(path));
    }

    /** The JSON values of a JSON-lines fixture. */
    static List<JsonNode> lines(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8)
                .lines()
                .filter(line -> !line.isBlank())
                .map(line -> read(line.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    static ChatRequest request(String path) {
        return ChatRequest.parse(bytes(path));
    }

    /** A request from JSON written with single quotes, for short inline cases. */
    static ChatRequest chat(String singleQuotedJson) {
        return ChatRequest.parse(singleQuotedJson.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode read(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
