package io.gatehouse.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AnthropicStreamToOpenAiTest {

    @Test
    void aTextStreamBecomesContentChunks() {
        StreamTranslator stream = new AnthropicStreamToOpenAi(false);

        List<JsonNode> chunks = feed(stream, AnthropicFixtures.bytes("stream-text.sse"), Integer.MAX_VALUE);

        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(0).get("id").asText()).isEqualTo("msg_01HCDu5LRGeP2o7s2xGmxyx8");
        assertThat(chunks.get(0).get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(chunks.get(0).get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(text(chunks)).isEqualTo("Paris is the capital of France.");
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText())
                .isEqualTo("stop");
        assertThat(chunks).noneMatch(chunk -> chunk.has("usage"));
        assertThat(stream.finished()).isTrue();
        assertThat(stream.usage()).isEqualTo(new Usage(14, 10));
    }

    @Test
    void toolUseBlocksBecomeToolCallDeltasWithIndexIdNameAndArguments() {
        StreamTranslator stream = new AnthropicStreamToOpenAi(true);

        List<JsonNode> chunks = feed(stream, AnthropicFixtures.bytes("stream-tool-use.sse"), Integer.MAX_VALUE);

        assertThat(text(chunks)).isEqualTo("I'll check the current weather in both cities.");
        Map<Integer, String> ids = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>();
        Map<Integer, StringBuilder> arguments = new TreeMap<>();
        for (JsonNode chunk : chunks) {
            for (JsonNode call : chunk.at("/choices/0/delta/tool_calls")) {
                int index = call.get("index").asInt();
                if (call.has("id")) {
                    ids.put(index, call.get("id").asText());
                    names.put(index, call.at("/function/name").asText());
                    assertThat(call.get("type").asText()).isEqualTo("function");
                }
                arguments
                        .computeIfAbsent(index, i -> new StringBuilder())
                        .append(call.at("/function/arguments").asText());
            }
        }
        assertThat(ids)
                .containsExactly(
                        Map.entry(0, "toolu_01A09q90qw90lq917835lq9"), Map.entry(1, "toolu_01B7hR2xk4VbZtqP3mWnE5cD"));
        assertThat(names).containsOnlyKeys(0, 1).containsValue("get_weather");
        assertThat(AnthropicFixtures.read(arguments.get(0).toString()))
                .isEqualTo(AnthropicFixtures.read("{\"city\":\"Paris\"}"));
        assertThat(AnthropicFixtures.read(arguments.get(1).toString()))
                .isEqualTo(AnthropicFixtures.read("{\"city\":\"Lyon\",\"unit\":\"celsius\"}"));
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/prompt_tokens").asLong()).isEqualTo(1436);
        assertThat(usage.at("/usage/completion_tokens").asLong()).isEqualTo(96);
        assertThat(usage.at("/usage/prompt_tokens_details/cached_tokens").asLong())
                .isEqualTo(1024);
        assertThat(stream.usage()).isEqualTo(new Usage(1436, 96));
    }

    @Test
    void bytesSplitAnywhereGiveTheSameChunks() {
        byte[] input = AnthropicFixtures.bytes("stream-tool-use.sse");
        List<JsonNode> whole = feed(new AnthropicStreamToOpenAi(true), input, Integer.MAX_VALUE);
        for (int size : new int[] {1, 2, 7, 64}) {
            List<JsonNode> split = feed(new AnthropicStreamToOpenAi(true), input, size);
            for (int i = 0; i < whole.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) whole.get(i)).remove("created");
                ((com.fasterxml.jackson.databind.node.ObjectNode) split.get(i)).remove("created");
            }
            assertThat(split).as("pieces of %d bytes", size).isEqualTo(whole);
        }
    }

    @Test
    void anErrorEventFailsTheStreamAndOverloadedIs503() {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(false);

        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> feed(stream, AnthropicFixtures.bytes("stream-overloaded.sse"), Integer.MAX_VALUE));

        assertThat(e.error().status()).isEqualTo(503);
        assertThat(stream.finished()).isFalse();
        assertThat(stream.usage()).isEqualTo(new Usage(14, 1));
    }

    @Test
    void aStreamCutBeforeMessageStopIsNotFinished() {
        String text = AnthropicFixtures.text("stream-text.sse");
        String cut = text.substring(0, text.indexOf("event: message_stop"));
        StreamTranslator stream = new AnthropicStreamToOpenAi(false);

        feed(stream, cut.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);

        assertThat(stream.finished()).isFalse();
    }

    @Test
    void unknownEventTypesAndPingsAreSkipped() {
        String events = "event: ping\ndata: {\"type\": \"ping\"}\n\n"
                + "event: future_event\ndata: {\"type\":\"future_event\",\"detail\":1}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}\n\n";

        List<JsonNode> chunks =
                feed(new AnthropicStreamToOpenAi(false), events.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);

        assertThat(chunks).isEmpty();
    }

    private static List<JsonNode> feed(StreamTranslator stream, byte[] input, int pieceSize) {
        List<byte[]> out = new ArrayList<>();
        for (int from = 0; from < input.length; from += pieceSize) {
            stream.feed(ByteBuffer.wrap(input, from, Math.min(pieceSize, input.length - from)), out);
        }
        return out.stream().map(AnthropicFixtures::read).toList();
    }

    private static String text(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            text.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        return text.toString();
    }
}
