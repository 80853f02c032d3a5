package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.gatehouse.node.testing.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against a node serving the built-in mock provider. */
class OpenAiSdkTest {
    private static Node node;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        node = TestNodes.start("""
                providers:
                  - { name: mock, type: mock, stream_chunks: 4, chunk_interval: 5ms }
                models:
                  - name: demo
                    deployments: [{ provider: mock, model: mock-1 }]
                  - name: demo-embedding
                    deployments: [{ provider: mock, model: mock-embedding-1 }]
                """);
        client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("not-needed-on-loopback")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        node.stop(Duration.ZERO);
    }

    private static ChatCompletionCreateParams.Builder ask(String question) {
        return ChatCompletionCreateParams.builder().model("demo").addUserMessage(question);
    }

    @Test
    void chatCompletionAnswersFromTheMockWithRealTokenCounts() {
        ChatCompletion completion =
                client.chat().completions().create(ask("What is a gateway?").build());

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).contains("You said: What is a gateway?");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().promptTokens()).isGreaterThan(5);
        assertThat(completion.usage().orElseThrow().completionTokens()).isGreaterThan(5);
    }

    @Test
    void maxTokensTruncatesTheAnswer() {
        ChatCompletion completion = client.chat()
                .completions()
                .create(ask("Tell me a long story about gateways")
                        .maxCompletionTokens(3)
                        .build());

        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
    }

    @Test
    void streamingDeliversChunksAndTheUsageChunkWhenAsked() {
        List<String> pieces = new ArrayList<>();
        List<Long> usage = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ask("Stream this please")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(pieces::add));
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }

        assertThat(pieces).hasSize(4);
        assertThat(String.join("", pieces)).isEqualTo("You said: Stream this please");
        assertThat(usage).singleElement().satisfies(tokens -> assertThat(tokens).isPositive());
    }

    @Test
    void streamingWithoutIncludeUsageSendsNoUsageChunk() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ask("No usage please").build())) {
            stream.stream().forEach(chunks::add);
        }

        assertThat(chunks)
                .isNotEmpty()
                .allSatisfy(chunk -> assertThat(chunk.choices()).isNotEmpty());
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.usage()).isEmpty());
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() {
        EmbeddingCreateParams params = EmbeddingCreateParams.builder()
                .model("demo-embedding")
                .input("the quick brown fox")
                .dimensions(64)
                .build();

        CreateEmbeddingResponse first = client.embeddings().create(params);
        CreateEmbeddingResponse second = client.embeddings().create(params);

        List<Float> vector = first.data().get(0).embedding();
        assertThat(vector).hasSize(64).isEqualTo(second.data().get(0).embedding());
        double norm = Math.sqrt(vector.stream().mapToDouble(v -> v * v).sum());
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(first.usage().promptTokens()).isEqualTo(4);
    }

    @Test
    void modelsListsTheConfiguredModelsAndRetrievesOne() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).containsExactly("demo", "demo-embedding");

        assertThat(client.models().retrieve("demo").id()).isEqualTo("demo");
    }

    @Test
    void unknownModelIs404WithOpenAiErrorShape() {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("no-such-model")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.param()).contains("model");
                });
        assertThatThrownBy(() -> client.models().retrieve("no-such-model")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void outOfRangeParameterIs400NamingTheParameter() {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ask("hi").temperature(7.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains("temperature");
                    assertThat(e.getMessage()).contains("temperature");
                });
    }

    @Test
    void embeddingsForAnUnknownModelIs404() {
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("nope")
                                .input("x")
                                .build()))
                .isInstanceOf(NotFoundException.class);
    }
}
