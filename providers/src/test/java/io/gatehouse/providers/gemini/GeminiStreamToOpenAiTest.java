package io.gatehouse.providers.gemini;

import static io.gatehouse.providers.gemini.GeminiFixtures.chat;
import static io.gatehouse.providers.gemini.GeminiFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiStreamToOpenAiTest {
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Capital of Italy?\"}]";

    private static ChatRequest streamRequest(boolean includeUsage) {
        return chat("{\"model\":\"smart\",\"stream\":true,\"stream_options\":{\"include_usage\":" + includeUsage + "},"
                + MESSAGES + "}");
    }

    private static List<JsonNode> expected(String name) {
        return GeminiFixtures.text(name)
                .lines()
                .filter(l -> !l.isBlank())
                .map(l -> parse(l))
                .toList();
    }

    private static List<JsonNode> feed(StreamTranslator stream, String sse, int pieceSize) {
        byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += pieceSize) {
            stream.feed(ByteBuffer.wrap(bytes, i, Math.min(pieceSize, bytes.length - i)), out);
        }
        return out.stream().map(GeminiFixtures::json).toList();
    }

    @Test
    void textEventsBecomeContentDeltasThenTheFinishReasonThenTheUsage() {
        StreamTranslator stream = GeminiFixtures.translator().stream(streamRequest(true));

        List<JsonNode> chunks = feed(stream, GeminiFixtures.text("stream-text.sse"), Integer.MAX_VALUE);

        assertThat(chunks).containsExactlyElementsOf(expected("stream-text.chunks.jsonl"));
        assertThat(stream.finished()).isTrue();
        assertThat(stream.usage()).isEqualTo(new Usage(31, 52));
    }

    @Test
    void theUsageChunkIsLeftOutWhenTheClientDidNotAskButStillCounted() {
        StreamTranslator stream = GeminiFixtures.translator().stream(streamRequest(false));

        List<JsonNode> chunks = feed(stream, GeminiFixtures.text("stream-text.sse"), Integer.MAX_VALUE);

        assertThat(chunks)
                .containsExactlyElementsOf(expected("stream-text.chunks.jsonl").subList(0, 3));
        assertThat(stream.usage()).isEqualTo(new Usage(31, 52));
    }

    @Test
    void eventsSplitAnywhereAndCrlfFramingGiveTheSameChunks() {
        String crlf = GeminiFixtures.text("stream-text.sse").replace("\n", "\r\n");
        for (int size : new int[] {1, 2, 7, 64}) {
            StreamTranslator stream = GeminiFixtures.translator().stream(streamRequest(true));

            assertThat(feed(stream, crlf, size))
                    .as("pieces of %d bytes", size)
                    .containsExactlyElementsOf(expected("stream-text.chunks.jsonl"));
        }
    }

    @Test
    void wholeFunctionCallsBecomeOneToolCallsDeltaWithFullArguments() {
        StreamTranslator stream = GeminiFixtures.translator().stream(streamRequest(false));

        List<JsonNode> chunks = feed(stream, GeminiFixtures.text("stream-function-call.sse"), 5);

        assertThat(chunks).containsExactlyElementsOf(expected("stream-function-call.chunks.jsonl"));
        assertThat(stream.finished()).isTrue();
        assertThat(stream.usage()).isEqualTo(new Usage(112, 106));
    }

    @Test
    void aStreamCutBeforeTheFinishReasonIsNotFinished() {
        StreamTranslator stream = GeminiFixtures.translator().stream(streamRequest(true));
        String firstEvent = GeminiFixtures.text("stream-text.sse").split("\n\n")[0] + "\n\n";

        List<JsonNode> chunks = feed(stream, firstEvent, Integer.MAX_VALUE);

        assertThat(chunks).hasSize(1);
        assertThat(stream.finished()).isFalse();
    }

    @Test
    void anErrorEventFailsTheStreamAfterTheChunksBeforeIt() {
        StreamTranslator stream = GeminiFixtures.translator().stream(streamRequest(false));
        List<byte[]> out = new ArrayList<>();

        ApiError error = catchThrowableOfType(
                        ApiException.class,
                        () -> stream.feed(ByteBuffer.wrap(GeminiFixtures.bytes("stream-error.sse")), out))
                .error();

        assertThat(out).hasSize(1);
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.message()).contains("UNAVAILABLE").doesNotContain("overloaded");
    }

    @Test
    void aBlockedPromptIsA400ContentFilterBeforeAnyChunk() {
        StreamTranslator stream = GeminiFixtures.translator().stream(streamRequest(false));
        List<byte[]> out = new ArrayList<>();

        ApiError error = catchThrowableOfType(
                        ApiException.class,
                        () -> stream.feed(ByteBuffer.wrap(GeminiFixtures.bytes("stream-prompt-blocked.sse")), out))
                .error();

        assertThat(out).isEmpty();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("content_filter");
        assertThat(error.message()).contains("PROHIBITED_CONTENT");
    }

    @Test
    void eachCandidateStreamsAsItsOwnChoice() {
        ChatRequest request = chat("{\"model\":\"smart\",\"stream\":true,\"n\":2," + MESSAGES + "}");
        StreamTranslator stream = GeminiFixtures.translator().stream(request);
        String sse =
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A\"}],\"role\":\"model\"},\"index\":0},"
                        + "{\"content\":{\"parts\":[{\"text\":\"B\"}],\"role\":\"model\"},\"index\":1}]}\n\n"
                        + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}]}\n\n";

        List<JsonNode> chunks = feed(stream, sse, Integer.MAX_VALUE);

        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(1).path("choices").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(chunks.get(1)
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("role")
                        .asText())
                .isEqualTo("assistant");
        assertThat(stream.finished()).as("choice 1 has not finished").isFalse();

        feed(
                stream,
                "data: {\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"MAX_TOKENS\",\"index\":1}]}\n\n",
                100);

        assertThat(stream.finished()).isTrue();
    }
}
