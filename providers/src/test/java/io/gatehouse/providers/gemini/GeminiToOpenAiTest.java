package io.gatehouse.providers.gemini;

import static io.gatehouse.providers.gemini.GeminiFixtures.bytes;
import static io.gatehouse.providers.gemini.GeminiFixtures.chat;
import static io.gatehouse.providers.gemini.GeminiFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiToOpenAiTest {
    private static final ChatRequest REQUEST =
            chat("{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of Italy?\"}]}");

    private final GeminiTranslator translator = GeminiFixtures.translator();

    @Test
    void aTextCandidateBecomesAChoiceWithCachedAndReasoningTokensInTheUsage() {
        ChatTranslator.Translated translated = translator.response(bytes("response-text.gemini.json"), REQUEST);

        assertThat(json(translated.json())).isEqualTo(json("response-text.openai.json"));
        // Thinking tokens are output tokens, billed as such.
        assertThat(translated.usage()).isEqualTo(new Usage(31, 52));
    }

    @Test
    void functionCallsBecomeToolCallsThatCarryTheThoughtSignatureAndThoughtsAreLeftOut() {
        ChatTranslator.Translated translated =
                translator.response(bytes("response-function-call.gemini.json"), REQUEST);

        assertThat(json(translated.json())).isEqualTo(json("response-function-call.openai.json"));
        assertThat(new String(translated.json(), StandardCharsets.UTF_8)).doesNotContain("Checking the weather");
    }

    @Test
    void theToolCallsOfAResponseGoBackToGeminiAsTheSameFunctionCalls() {
        JsonNode completion = json(translator
                .response(bytes("response-function-call.gemini.json"), REQUEST)
                .json());
        JsonNode calls = completion.path("choices").get(0).path("message").path("tool_calls");
        String followUp = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":" + calls + "},"
                + "{\"role\":\"tool\",\"tool_call_id\":\""
                + calls.get(0).path("id").asText() + "\",\"content\":\"18C\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\""
                + calls.get(1).path("id").asText() + "\",\"content\":\"24C\"}]}";

        JsonNode request = json(translator.requestBody(chat(followUp), "gemini-2.5-pro"));

        JsonNode original = json("response-function-call.gemini.json")
                .path("candidates")
                .get(0)
                .path("content");
        JsonNode model = request.path("contents").get(1);
        assertThat(model.path("role").asText()).isEqualTo("model");
        assertThat(model.path("parts"))
                .containsExactly(
                        original.path("parts").get(1), original.path("parts").get(2));
        assertThat(request.path("contents").get(2).path("parts").findValuesAsText("name"))
                .containsExactly("get_weather", "get_weather");
    }

    @Test
    void eachCandidateIsAChoiceWithItsOwnFinishReason() {
        JsonNode completion = json(translator
                .response(bytes("response-candidates.gemini.json"), REQUEST)
                .json());

        JsonNode choices = completion.path("choices");
        assertThat(choices).hasSize(2);
        assertThat(choices.get(0).path("message").path("content").asText())
                .isEqualTo("Once upon a time, a lighthouse keeper");
        assertThat(choices.get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(choices.get(1).path("index").asInt()).isEqualTo(1);
        assertThat(choices.get(1).path("message").path("content").isNull()).isTrue();
        assertThat(choices.get(1).path("finish_reason").asText()).isEqualTo("content_filter");
        // No responseId: the gateway makes the completion id; no modelVersion would fall back to the request's.
        assertThat(completion.path("id").asText()).isEqualTo("chatcmpl-id1");
        assertThat(completion.path("model").asText()).isEqualTo("gemini-2.0-flash");
    }

    @Test
    void aBlockedPromptIsA400ContentFilter() {
        ApiError error = catchThrowableOfType(
                        ApiException.class,
                        () -> translator.response(bytes("response-prompt-blocked.gemini.json"), REQUEST))
                .error();

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("content_filter");
        assertThat(error.param()).isEqualTo("messages");
        assertThat(error.message()).contains("SAFETY").contains("blocked the prompt");
    }

    @Test
    void aBodyThatIsNotJsonIsA502() {
        ApiError error = catchThrowableOfType(
                        ApiException.class,
                        () -> translator.response("<html>".getBytes(StandardCharsets.UTF_8), REQUEST))
                .error();

        assertThat(error.status()).isEqualTo(502);
    }

    @ParameterizedTest
    @CsvSource({
        "STOP, false, stop",
        "STOP, true, tool_calls",
        "MAX_TOKENS, true, length",
        "SAFETY, false, content_filter",
        "RECITATION, false, content_filter",
        "BLOCKLIST, false, content_filter",
        "PROHIBITED_CONTENT, false, content_filter",
        "SPII, false, content_filter",
        "MALFORMED_FUNCTION_CALL, false, stop",
        "OTHER, false, stop",
    })
    void finishReasons(String gemini, boolean calledTools, String openai) {
        assertThat(GeminiToOpenAi.finishReason(gemini, calledTools)).isEqualTo(openai);
    }
}
