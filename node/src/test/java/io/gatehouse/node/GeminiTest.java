package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.gatehouse.node.testing.FakeGeminiUpstream;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI SDK through a node to a fake Gemini API (Google AI) upstream. */
class GeminiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_KEY = "AIzaSyD-test-gemini-key-0123456789";

    private FakeGeminiUpstream upstream;
    private Node node;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        upstream = new FakeGeminiUpstream();
        node = TestNodes.start("""
                providers:
                  - name: gemini
                    type: gemini
                    base_url: %s
                    api_key: ${GEMINI_API_KEY}
                    timeouts: { first_byte: 5s, idle: 5s }
                models:
                  - name: smart
                    deployments: [{ provider: gemini, model: gemini-2.5-flash }]
                  - name: embed
                    deployments: [{ provider: gemini, model: gemini-embedding-001 }]
                """.formatted(upstream.rootUrl()), Map.of("GEMINI_API_KEY", API_KEY));
        client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("client-key")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(15))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        node.stop(Duration.ZERO);
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder()
                .model("smart")
                .addSystemMessage("You are a concise geography tutor.")
                .addUserMessage("What is the capital of Italy?");
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    @Test
    void aCompletionReachesGeminiWithTheKeyHeaderAndComesBackInOpenAisShape() throws Exception {
        ChatCompletion completion =
                client.chat().completions().create(ask().temperature(0.2).build());

        assertThat(completion.choices().get(0).message().content()).contains("Rome is the capital of Italy.");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(31);
        assertThat(usage.completionTokens()).isEqualTo(52);
        assertThat(usage.totalTokens()).isEqualTo(83);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(16L);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens())
                .contains(45L);

        FakeGeminiUpstream.Received request = upstream.lastReceived();
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(request.headers().get("x-goog-api-key")).isEqualTo(API_KEY);
        assertThat(request.headers()).doesNotContainKey("Authorization");
        JsonNode body = json(request.body());
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are a concise geography tutor.");
        assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("What is the capital of Italy?");
        assertThat(body.at("/generationConfig/temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.has("model")).isFalse();
    }

    @Test
    void aStreamArrivesAsChunksWithTheUsageChunkWhenAsked() {
        upstream.streamEvents("gemini/stream.events", Duration.ofMillis(50));
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        List<CompletionUsage> usage = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ask().streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> {
                    c.delta().content().ifPresent(text::append);
                    c.finishReason().ifPresent(finishes::add);
                });
                chunk.usage().ifPresent(usage::add);
            });
        }

        assertThat(text.toString()).isEqualTo("Rome is the capital of Italy.");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(usage).singleElement().satisfies(u -> {
            assertThat(u.totalTokens()).isEqualTo(83);
            assertThat(u.completionTokensDetails().orElseThrow().reasoningTokens())
                    .contains(45L);
        });
        FakeGeminiUpstream.Received request = upstream.lastReceived();
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(request.query()).isEqualTo("alt=sse");
        assertThat(request.headers().get("x-goog-api-key")).isEqualTo(API_KEY);
    }

    @Test
    void aToolCallGoesOutAsAFunctionDeclarationAndItsResultComesBackAsAFunctionResponse() throws Exception {
        upstream.respond(200, "gemini/generate-content-function-call.json");
        ChatCompletionTool weather = ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Current weather for a city.")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties",
                                        JsonValue.from(Map.of(
                                                "city", Map.of("type", "string"),
                                                "unit", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city", "unit")))
                                .build())
                        .build())
                .build());
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder()
                .model("smart")
                .addUserMessage("What's the weather in Paris and in Rome, in celsius?")
                .addTool(weather)
                .build();

        ChatCompletion completion = client.chat().completions().create(first);

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(call -> call.asFunction())
                .toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
        assertThat(json(calls.get(0).function().arguments()))
                .isEqualTo(json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
        assertThat(calls.get(1).id())
                .startsWith("call_")
                .isNotEqualTo(calls.get(0).id());
        JsonNode declared = json(upstream.lastReceived().body()).at("/tools/0/functionDeclarations/0");
        assertThat(declared.path("name").asText()).isEqualTo("get_weather");
        assertThat(declared.at("/parametersJsonSchema/required")).hasSize(2);

        upstream.respond(200, "gemini/generate-content.json");
        client.chat()
                .completions()
                .create(first.toBuilder()
                        .addMessage(choice.message())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(calls.get(0).id())
                                .content("{\"temperature\":18,\"conditions\":\"cloudy\"}")
                                .build())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(calls.get(1).id())
                                .content("Sunny, 24 degrees")
                                .build())
                        .build());

        JsonNode contents = json(upstream.lastReceived().body()).path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.at("/1/role").asText()).isEqualTo("model");
        assertThat(contents.at("/1/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
        // The thought signature Gemini gave with the first call goes back with it.
        assertThat(contents.at("/1/parts/0/thoughtSignature").asText()).isEqualTo("CiQBcsjafE2Y7Qu3oVSq9A==");
        assertThat(contents.at("/2/parts/0/functionResponse/response/temperature")
                        .asInt())
                .isEqualTo(18);
        assertThat(contents.at("/2/parts/1/functionResponse/response/output").asText())
                .isEqualTo("Sunny, 24 degrees");
    }

    @Test
    void aStreamedToolCallArrivesWholeInOneDelta() {
        upstream.streamEvents("gemini/stream-function-call.events", Duration.ZERO);
        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(ask().build())) {
            stream.stream()
                    .forEach(chunk -> chunk.choices().forEach(c -> {
                        c.delta().toolCalls().ifPresent(deltas::addAll);
                        c.finishReason().ifPresent(finishes::add);
                    }));
        }

        assertThat(deltas).hasSize(2);
        assertThat(deltas.get(1).index()).isEqualTo(1);
        assertThat(deltas.get(1).function().orElseThrow().arguments())
                .contains("{\"city\":\"Rome\",\"unit\":\"celsius\"}");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void embeddingsUseBatchEmbedContentsWithTheDimensions() throws Exception {
        CreateEmbeddingResponse response = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("embed")
                        .inputOfArrayOfStrings(List.of("The quick brown fox", "jumps over the lazy dog"))
                        .dimensions(4)
                        .build());

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(0).embedding()).containsExactly(0.0123f, -0.0456f, 0.0789f, -0.0012f);
        assertThat(response.data().get(1).index()).isEqualTo(1);
        FakeGeminiUpstream.Received request = upstream.lastReceived();
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        assertThat(request.headers().get("x-goog-api-key")).isEqualTo(API_KEY);
        JsonNode body = json(request.body());
        assertThat(body.at("/requests/1/content/parts/0/text").asText()).isEqualTo("jumps over the lazy dog");
        assertThat(body.at("/requests/0/model").asText()).isEqualTo("models/gemini-embedding-001");
        assertThat(body.at("/requests/0/outputDimensionality").asInt()).isEqualTo(4);
    }

    @Test
    void googleRateLimitsAre429AndKeyErrorsA502WithoutGooglesText() {
        upstream.respond(429, "gemini/error-resource-exhausted.json");
        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(
                        RateLimitException.class,
                        e -> assertThat(e.getMessage()).contains("try again in 37s"));

        upstream.respond(400, "gemini/error-api-key-invalid.json");
        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("credentials").doesNotContain("API key not valid");
                });

        upstream.respond(400, "gemini/error-invalid-argument.json");
        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("candidate_count"));
    }

    @Test
    void aBlockedPromptIsA400ContentFilterEvenWhenStreaming() throws Exception {
        upstream.respond(200, "gemini/generate-content-prompt-blocked.json");
        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.code()).contains("content_filter"));

        upstream.streamEvents("gemini/stream-prompt-blocked.events", Duration.ZERO);
        HttpResponse<String> response =
                post("{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("content_filter");
    }

    @Test
    void aParameterGeminiCannotHonourIsA400ThatNeverReachesIt() throws Exception {
        HttpResponse<String> response = post(
                "{\"model\":\"smart\",\"logit_bias\":{\"50256\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/param").asText()).isEqualTo("logit_bias");
        assertThat(upstream.received()).isEmpty();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
