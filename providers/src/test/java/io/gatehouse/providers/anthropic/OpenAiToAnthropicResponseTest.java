package io.gatehouse.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiToAnthropicResponseTest {

    @Test
    void toolCallsBecomeToolUseBlocksAndCachedTokensCacheReads() {
        byte[] message =
                OpenAiToAnthropicResponse.translate(AnthropicFixtures.bytes("inbound-completion-tool-calls.json"));

        assertThat(AnthropicFixtures.read(message))
                .isEqualTo(AnthropicFixtures.json("inbound-completion-tool-calls.anthropic.json"));
    }

    @Test
    void aTextAnswerBecomesATextBlock() {
        JsonNode message = translate("{'id':'chatcmpl-1','object':'chat.completion','model':'gpt-4o-mini','choices':[{"
                + "'index':0,'message':{'role':'assistant','content':'Paris.'},'finish_reason':'stop'}],"
                + "'usage':{'prompt_tokens':12,'completion_tokens':2,'total_tokens':14}}");

        assertThat(message.get("content"))
                .isEqualTo(AnthropicFixtures.read("[{\"type\":\"text\",\"text\":\"Paris.\"}]"));
        assertThat(message.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.at("/usage/input_tokens").asLong()).isEqualTo(12);
        assertThat(message.at("/usage/output_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void aRefusalIsTextWithTheRefusalStopReason() {
        JsonNode message = translate("{'id':'c','model':'m','choices':[{'index':0,'message':{'role':'assistant',"
                + "'content':null,'refusal':'I can not help with that.'},'finish_reason':'stop'}]}");

        assertThat(message.at("/content/0/text").asText()).isEqualTo("I can not help with that.");
        assertThat(message.get("stop_reason").asText()).isEqualTo("refusal");
    }

    @ParameterizedTest
    @CsvSource({"stop, end_turn", "length, max_tokens", "tool_calls, tool_use", "content_filter, refusal"})
    void finishReasonsBecomeStopReasons(String finishReason, String stopReason) {
        assertThat(OpenAiToAnthropicResponse.stopReason(finishReason)).isEqualTo(stopReason);
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectAre502() {
        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> translate("{'id':'c','model':'m','choices':[{'index':0,'message':{'role':'assistant','content':"
                        + "null,'tool_calls':[{'id':'call_1','type':'function','function':{'name':'f','arguments':"
                        + "'[1,2'}}]},'finish_reason':'tool_calls'}]}"));

        assertThat(e.error().status()).isEqualTo(502);
    }

    private static JsonNode translate(String completion) {
        return AnthropicFixtures.read(OpenAiToAnthropicResponse.translate(AnthropicFixtures.quoted(completion)));
    }
}
