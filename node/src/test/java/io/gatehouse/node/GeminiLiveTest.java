package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.gatehouse.node.testing.TestNodes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The real Gemini API through a node, with the OpenAI SDK. Runs only when {@code GEMINI_API_KEY}
 * is set; {@code GEMINI_MODEL} picks the model (default {@code gemini-2.5-flash}).
 */
@EnabledIfEnvironmentVariable(named = "GEMINI_API_KEY", matches = ".+")
class GeminiLiveTest {
    private Node node;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        String model = System.getenv().getOrDefault("GEMINI_MODEL", "gemini-2.5-flash");
        node = TestNodes.start("""
                providers:
                  - { name: gemini, type: gemini, api_key: '${GEMINI_API_KEY}' }
                models:
                  - name: live
                    deployments: [{ provider: gemini, model: %s }]
                """.formatted(model), Map.of("GEMINI_API_KEY", System.getenv("GEMINI_API_KEY")));
        client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("client-key")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        node.stop(Duration.ZERO);
    }

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder()
                .model("live")
                .addSystemMessage("Answer with one word.")
                .addUserMessage("What is the capital of Italy?")
                .maxCompletionTokens(1024);
    }

    @Test
    void answersAQuestion() {
        ChatCompletion completion = client.chat().completions().create(ask().build());

        assertThat(completion.choices().get(0).message().content())
                .hasValueSatisfying(text -> assertThat(text).containsIgnoringCase("Rome"));
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
    }

    @Test
    void streamsAnAnswerWithItsUsage() {
        StringBuilder text = new StringBuilder();
        AtomicLong total = new AtomicLong();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ask().streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> total.set(u.totalTokens()));
            });
        }

        assertThat(text.toString()).containsIgnoringCase("Rome");
        assertThat(total.get()).isPositive();
    }
}
