package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import io.gatehouse.node.testing.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against the real Anthropic API, only when {@code ANTHROPIC_API_KEY} is set (skipped otherwise):
 * the OpenAI SDK through the gateway to Claude, streaming and not, with a tool call, and the
 * Anthropic SDK through {@code /v1/messages} and back. The model is {@code ANTHROPIC_TEST_MODEL}
 * (default {@code claude-haiku-4-5}); each request asks for a few tokens only.
 */
@EnabledIfEnvironmentVariable(named = "ANTHROPIC_API_KEY", matches = ".+")
class AnthropicLiveTest {
    private static Node node;
    private static OpenAIClient openAi;
    private static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        String model = System.getenv().getOrDefault("ANTHROPIC_TEST_MODEL", "claude-haiku-4-5");
        node = TestNodes.start("""
                providers:
                  - name: anthropic
                    type: anthropic
                    api_key: ${ANTHROPIC_API_KEY}
                models:
                  - name: claude
                    deployments: [{ provider: anthropic, model: %s }]
                """.formatted(model), System.getenv());
        openAi = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("client-key")
                .maxRetries(2)
                .timeout(Duration.ofSeconds(60))
                .build();
        anthropic = AnthropicOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node))
                .apiKey("client-key")
                .maxRetries(2)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    @AfterAll
    static void stop() {
        openAi.close();
        anthropic.close();
        node.stop(Duration.ZERO);
    }

    @Test
    void answersThroughTheOpenAiSdk() {
        ChatCompletion completion = openAi.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("claude")
                        .maxCompletionTokens(20)
                        .addSystemMessage("Answer with one word.")
                        .addUserMessage("What is the capital of France?")
                        .build());

        assertThat(completion.choices().get(0).message().content().orElseThrow())
                .containsIgnoringCase("paris");
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
    }

    @Test
    void streamsThroughTheOpenAiSdk() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("claude")
                        .maxCompletionTokens(20)
                        .addUserMessage("Count from 1 to 5, digits separated by spaces.")
                        .build())) {
            stream.stream()
                    .forEach(chunk ->
                            chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }

        assertThat(text.toString()).contains("1").contains("5");
    }

    @Test
    void callsAToolThroughTheOpenAiSdk() {
        ChatCompletion completion = openAi.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("claude")
                        .maxCompletionTokens(100)
                        .addUserMessage("What is the weather in Paris?")
                        .addFunctionTool(FunctionDefinition.builder()
                                .name("get_weather")
                                .description("Current weather for a city.")
                                .parameters(FunctionParameters.builder()
                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                        .putAdditionalProperty(
                                                "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                        .build())
                                .build())
                        .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                        .build());

        var call = completion
                .choices()
                .get(0)
                .message()
                .toolCalls()
                .orElseThrow()
                .get(0)
                .asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).containsIgnoringCase("paris");
    }

    @Test
    void answersThroughTheAnthropicSdk() {
        Message message = anthropic
                .messages()
                .create(MessageCreateParams.builder()
                        .model("claude")
                        .maxTokens(20)
                        .addUserMessage("What is the capital of France? One word.")
                        .build());

        assertThat(message.content().get(0).text().orElseThrow().text()).containsIgnoringCase("paris");
    }
}
