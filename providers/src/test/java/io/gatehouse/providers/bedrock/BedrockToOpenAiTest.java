package io.gatehouse.providers.bedrock;

import static io.gatehouse.providers.bedrock.BedrockFixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator.Translated;
import io.gatehouse.providers.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BedrockToOpenAiTest {
    private static final ChatRequest REQUEST = chat("{'model':'smart','messages':[{'role':'user','content':'hi'}]}");

    @ParameterizedTest
    @ValueSource(strings = {"text", "tool-use", "max-tokens", "guardrail"})
    void translatesTheConverseResponseIntoAChatCompletion(String fixture) {
        Translated translated = BedrockToOpenAi.translate(
                BedrockFixtures.bytes("responses/" + fixture + ".converse.json"), REQUEST, BedrockFixtures.CLOCK);

        ObjectNode completion = (ObjectNode) BedrockFixtures.read(translated.json());
        assertThat(completion.remove("id").asText()).matches("chatcmpl-[0-9a-f]{32}");
        assertThat(completion).isEqualTo(BedrockFixtures.json("responses/" + fixture + ".openai.json"));
        JsonNode usage = completion.get("usage");
        assertThat(translated.usage())
                .isEqualTo(new Usage(
                        usage.get("prompt_tokens").asLong(),
                        usage.get("completion_tokens").asLong()));
    }

    @Test
    void countsCacheReadsAndWritesAsPromptTokens() {
        Translated translated = BedrockToOpenAi.translate(
                BedrockFixtures.bytes("responses/text.converse.json"), REQUEST, BedrockFixtures.CLOCK);

        // inputTokens 21 + cacheReadInputTokens 2048 + cacheWriteInputTokens 48, as totalTokens says.
        assertThat(translated.usage()).isEqualTo(new Usage(2117, 9));
        assertThat(translated.usage().totalTokens()).isEqualTo(2126);
    }

    @Test
    void anAnswerWithOnlyToolCallsHasNullContent() {
        byte[] body = ("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"toolUse\":"
                        + "{\"toolUseId\":\"tooluse_1\",\"name\":\"get_time\",\"input\":{}}}]}},"
                        + "\"stopReason\":\"tool_use\",\"usage\":{\"inputTokens\":5,\"outputTokens\":3,\"totalTokens\":8}}")
                .getBytes(StandardCharsets.UTF_8);

        JsonNode message = BedrockFixtures.read(BedrockToOpenAi.translate(body, REQUEST, BedrockFixtures.CLOCK)
                        .json())
                .at("/choices/0/message");

        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{}");
    }

    @ParameterizedTest
    @CsvSource({
        "end_turn, stop",
        "stop_sequence, stop",
        "max_tokens, length",
        "model_context_window_exceeded, length",
        "tool_use, tool_calls",
        "guardrail_intervened, content_filter",
        "content_filtered, content_filter",
        "some_future_reason, stop"
    })
    void mapsEveryStopReason(String stopReason, String finishReason) {
        assertThat(BedrockToOpenAi.finishReason(stopReason)).isEqualTo(finishReason);
    }

    @Test
    void aBodyThatIsNotJsonIs502() {
        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> BedrockToOpenAi.translate(
                        "<html>".getBytes(StandardCharsets.UTF_8), REQUEST, BedrockFixtures.CLOCK));

        assertThat(e.error().status()).isEqualTo(502);
    }

    @Test
    void aResponseWithoutAMessageIs502() {
        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> BedrockToOpenAi.translate(
                        "{\"stopReason\":\"end_turn\"}".getBytes(StandardCharsets.UTF_8),
                        REQUEST,
                        BedrockFixtures.CLOCK));

        assertThat(e.error().status()).isEqualTo(502);
    }
}
