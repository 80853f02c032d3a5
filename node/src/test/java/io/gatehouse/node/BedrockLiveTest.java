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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The gateway against the real Bedrock runtime, run only when AWS credentials
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, optionally {@code AWS_SESSION_TOKEN})
 * and {@code BEDROCK_TEST_MODEL} (a model or inference profile id the account may invoke) are set;
 * the region is {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else {@code us-east-1}.
 */
@EnabledIfEnvironmentVariable(named = "AWS_ACCESS_KEY_ID", matches = ".+")
@EnabledIfEnvironmentVariable(named = "BEDROCK_TEST_MODEL", matches = ".+")
class BedrockLiveTest {
    private static Node node;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        Map<String, String> env = System.getenv();
        String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
        node = TestNodes.start("""
                providers:
                  - { name: bedrock, type: bedrock, region: %s }
                models:
                  - name: live
                    deployments: [{ provider: bedrock, model: "${BEDROCK_TEST_MODEL}" }]
                """.formatted(region), env);
        client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("client")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        node.stop(Duration.ZERO);
    }

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder()
                .model("live")
                .addUserMessage("Reply with the single word: pong")
                .maxCompletionTokens(16);
    }

    @Test
    void answers() {
        ChatCompletion completion = client.chat().completions().create(ask().build());

        assertThat(completion.choices().get(0).message().content())
                .hasValueSatisfying(c -> assertThat(c).isNotBlank());
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
    }

    @Test
    void streams() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ask().streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            chunks = stream.stream().toList();
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isNotBlank();
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens())
                .isPositive();
    }
}
