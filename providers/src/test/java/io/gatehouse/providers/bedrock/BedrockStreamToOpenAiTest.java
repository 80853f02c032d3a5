package io.gatehouse.providers.bedrock;

import static io.gatehouse.providers.bedrock.BedrockFixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BedrockStreamToOpenAiTest {
    private static final ChatRequest WITH_USAGE = chat("{'model':'smart','messages':[{'role':'user','content':'hi'}],"
            + "'stream':true,'stream_options':{'include_usage':true}}");
    private static final ChatRequest WITHOUT_USAGE =
            chat("{'model':'smart','messages':[{'role':'user','content':'hi'}],'stream':true}");

    @ParameterizedTest
    @CsvSource({"text, true, 14, 7", "tool-use, false, 402, 89"})
    void translatesConverseStreamEventsIntoChunks(
            String fixture, boolean includeUsage, long promptTokens, long completionTokens) {
        byte[] stream = frames("streams/" + fixture + ".converse-stream.jsonl");
        List<JsonNode> expected = BedrockFixtures.lines("streams/" + fixture + ".openai.jsonl");

        for (int piece : new int[] {stream.length, 1, 7, 64}) {
            StreamTranslator translator = translator(includeUsage ? WITH_USAGE : WITHOUT_USAGE);
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < stream.length; i += piece) {
                translator.feed(ByteBuffer.wrap(stream, i, Math.min(piece, stream.length - i)), out);
            }

            assertThat(withoutIds(out)).as("pieces of %d bytes", piece).isEqualTo(expected);
            assertThat(translator.finished()).isTrue();
            assertThat(translator.usage()).isEqualTo(new Usage(promptTokens, completionTokens));
        }
    }

    @Test
    void everyChunkOfAStreamCarriesTheSameCompletionId() {
        List<byte[]> out = new ArrayList<>();
        translator(WITH_USAGE).feed(ByteBuffer.wrap(frames("streams/text.converse-stream.jsonl")), out);

        Set<String> ids = new HashSet<>();
        out.forEach(chunk -> ids.add(BedrockFixtures.read(chunk).get("id").asText()));
        assertThat(ids).hasSize(1).allMatch(id -> id.matches("chatcmpl-[0-9a-f]{32}"));
    }

    @Test
    void isNotFinishedBeforeMessageStop() {
        List<JsonNode> events = BedrockFixtures.lines("streams/text.converse-stream.jsonl");
        StreamTranslator translator = translator(WITHOUT_USAGE);

        translator.feed(ByteBuffer.wrap(frames(events.subList(0, 5))), new ArrayList<>());

        assertThat(translator.finished()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "throttlingException",
                "validationException",
                "modelStreamErrorException",
                "internalServerException",
                "serviceUnavailableException"
            })
    void anExceptionMessageFailsTheStreamWithA502NamingIt(String type) {
        List<JsonNode> events = BedrockFixtures.lines("streams/text.converse-stream.jsonl");
        byte[] stream = EventStreamDecoderTest.concat(
                frames(events.subList(0, 2)),
                EventStreamEncoder.exception(
                        type, "{\"message\":\"Details about account 123456789012 that clients must not see.\"}"));
        StreamTranslator translator = translator(WITHOUT_USAGE);
        List<byte[]> out = new ArrayList<>();

        ApiError error = catchThrowableOfType(ApiException.class, () -> translator.feed(ByteBuffer.wrap(stream), out))
                .error();

        assertThat(out).hasSize(2); // the chunks before the exception were already translated
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.code()).isEqualTo("upstream_failed");
        assertThat(error.message())
                .isEqualTo("The provider failed while streaming the answer (" + type + ").")
                .doesNotContain("123456789012");
        assertThat(translator.finished()).isFalse();
    }

    @Test
    void aCorruptFrameFailsTheStream() {
        byte[] stream = frames("streams/text.converse-stream.jsonl");
        stream[40] ^= 0x20;

        assertThatThrownBy(() -> translator(WITHOUT_USAGE).feed(ByteBuffer.wrap(stream), new ArrayList<>()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CRC");
    }

    @Test
    void usageIsCountedEvenWhenTheClientDidNotAskForIt() {
        StreamTranslator translator = translator(WITHOUT_USAGE);
        List<byte[]> out = new ArrayList<>();

        translator.feed(ByteBuffer.wrap(frames("streams/text.converse-stream.jsonl")), out);

        assertThat(out).hasSize(5);
        assertThat(translator.usage()).isEqualTo(new Usage(14, 7));
    }

    private static StreamTranslator translator(ChatRequest request) {
        return new BedrockStreamToOpenAi(request, BedrockFixtures.CLOCK);
    }

    /** The frames of a stream fixture: one {@code {"event"|"exception": type, "payload": {...}}} a line. */
    static byte[] frames(String fixture) {
        return frames(BedrockFixtures.lines(fixture));
    }

    static byte[] frames(List<JsonNode> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JsonNode event : events) {
            String payload = event.get("payload").toString();
            out.writeBytes(
                    event.has("exception")
                            ? EventStreamEncoder.exception(
                                    event.get("exception").asText(), payload)
                            : EventStreamEncoder.event(event.get("event").asText(), payload));
        }
        return out.toByteArray();
    }

    private static List<JsonNode> withoutIds(List<byte[]> chunks) {
        return chunks.stream()
                .map(chunk -> {
                    ObjectNode node = (ObjectNode) BedrockFixtures.read(chunk);
                    node.remove("id");
                    return (JsonNode) node;
                })
                .toList();
    }
}
