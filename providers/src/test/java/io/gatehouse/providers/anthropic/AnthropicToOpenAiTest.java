package io.gatehouse.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatTranslator.Translated;
import io.gatehouse.providers.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicToOpenAiTest {

    @Test
    void toolUseBlocksBecomeToolCallsAndCacheReadsBecomeCachedTokens() {
        Translated translated = AnthropicToOpenAi.translate(AnthropicFixtures.bytes("message-tool-use.json"));

        ObjectNode completion = (ObjectNode) AnthropicFixtures.read(translated.json());
        assertThat(completion.remove("created").isIntegralNumber()).isTrue();
        assertThat(completion).isEqualTo(AnthropicFixtures.json("openai-completion-tool-use.json"));
        // 372 uncached + 40 written to the cache + 1024 read from it
        assertThat(translated.usage()).isEqualTo(new Usage(1436, 96));
    }

    @Test
    void aTextAnswerBecomesTheMessageContent() {
        Translated translated = AnthropicToOpenAi.translate(AnthropicFixtures.bytes("message-text.json"));

        JsonNode completion = AnthropicFixtures.read(translated.json());
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Paris is the capital of France.");
        assertThat(completion.at("/choices/0/message/tool_calls").isMissingNode())
                .isTrue();
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/total_tokens").asLong()).isEqualTo(24);
        assertThat(translated.usage()).isEqualTo(new Usage(14, 10));
    }

    @Test
    void onlyToolUseLeavesTheContentNull() {
        String message = "{'id':'msg_1','type':'message','role':'assistant','model':'claude','content':[{'type':"
                + "'tool_use','id':'toolu_1','name':'now','input':{}}],'stop_reason':'tool_use','usage':{"
                + "'input_tokens':5,'output_tokens':3}}";

        JsonNode completion = AnthropicFixtures.read(
                AnthropicToOpenAi.translate(AnthropicFixtures.quoted(message)).json());

        assertThat(completion.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(completion
                        .at("/choices/0/message/tool_calls/0/function/arguments")
                        .asText())
                .isEqualTo("{}");
    }

    @ParameterizedTest
    @CsvSource({
        "end_turn, stop",
        "stop_sequence, stop",
        "pause_turn, stop",
        "max_tokens, length",
        "model_context_window_exceeded, length",
        "tool_use, tool_calls",
        "refusal, content_filter"
    })
    void stopReasonsBecomeFinishReasons(String stopReason, String finishReason) {
        assertThat(AnthropicToOpenAi.finishReason(stopReason)).isEqualTo(finishReason);
    }

    @Test
    void aBodyThatIsNotAMessageIs502() {
        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> AnthropicToOpenAi.translate("<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)));

        assertThat(e.error().status()).isEqualTo(502);

        e = catchThrowableOfType(
                ApiException.class, () -> AnthropicToOpenAi.translate(AnthropicFixtures.quoted("{'type':'error'}")));
        assertThat(e.error().status()).isEqualTo(502);
    }
}
