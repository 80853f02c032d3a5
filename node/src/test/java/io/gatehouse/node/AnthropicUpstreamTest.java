package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.gatehouse.node.testing.FakeAnthropicUpstream;
import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestNodes;
import io.gatehouse.providers.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI SDK through a node to a fake Anthropic upstream (a real HTTP server speaking
 * the Messages API from fixtures): the gateway translates requests, answers, streams, tool calls
 * and errors both ways.
 */
class AnthropicUpstreamTest {
    private static final FunctionDefinition GET_WEATHER = FunctionDefinition.builder()
            .name("get_weather")
            .description("Current weather for a city.")
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .build())
            .build();

    private FakeAnthropicUpstream upstream;
    private Node node;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        upstream = new FakeAnthropicUpstream();
        node = TestNodes.start("""
                providers:
                  - name: claude
                    type: anthropic
                    base_url: %s
                    api_key: ${ANTHROPIC_KEY}
                    timeouts: { first_byte: 2s, idle: 2s }
                models:
                  - name: smart
                    deployments: [{ provider: claude, model: claude-sonnet-4-5 }]
                """.formatted(upstream.baseUrl()), Map.of("ANTHROPIC_KEY", "sk-ant-upstream-secret"));
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
                .addSystemMessage("Be brief.")
                .addUserMessage("Capital of France?");
    }

    @Test
    void anAnswerComesBackInOpenAisShapeAndTheUpstreamGetsAnAnthropicRequest() throws Exception {
        ChatCompletion completion = client.chat().completions().create(ask().build());

        assertThat(completion.choices().get(0).message().content()).contains("Paris is the capital of France.");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(14);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(10);

        FakeOpenAiUpstream.Received request = upstream.lastReceived();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.headers().get("x-api-key")).isEqualTo("sk-ant-upstream-secret");
        assertThat(request.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.headers()).doesNotContainKey("Authorization");
        JsonNode body = Json.MAPPER.readTree(request.body());
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(4096);
        assertThat(body.at("/system/0/text").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/0/content/0/text").asText()).isEqualTo("Capital of France?");
    }

    @Test
    void aStreamComesBackAsChunksWithTheUsageChunkWhenAskedFor() throws Exception {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ask().maxCompletionTokens(64)
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }

        assertThat(text.toString()).isEqualTo("Paris is the capital of France.");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(10);
        JsonNode body = Json.MAPPER.readTree(upstream.lastReceived().body());
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void aToolCallRoundTrip() throws Exception {
        upstream.respond(200, "anthropic/message-tool-use.json");

        ChatCompletion completion = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("smart")
                        .addUserMessage("What is the weather in Paris and in Lyon?")
                        .addFunctionTool(GET_WEATHER)
                        .build());

        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageFunctionToolCall> calls =
                completion.choices().get(0).message().toolCalls().orElseThrow().stream()
                        .map(call -> call.asFunction())
                        .toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
        assertThat(Json.MAPPER.readTree(calls.get(1).function().arguments()))
                .isEqualTo(Json.MAPPER.readTree("{\"city\":\"Lyon\",\"unit\":\"celsius\"}"));
        JsonNode first = Json.MAPPER.readTree(upstream.lastReceived().body());
        assertThat(first.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(first.at("/tools/0/input_schema/required/0").asText()).isEqualTo("city");

        // The client answers both calls; the upstream must see tool_use then tool_result blocks.
        upstream.respond(200, "anthropic/message-text.json");
        ChatCompletionCreateParams.Builder next = ChatCompletionCreateParams.builder()
                .model("smart")
                .addUserMessage("What is the weather in Paris and in Lyon?")
                .addFunctionTool(GET_WEATHER)
                .addMessage(completion.choices().get(0).message());
        for (ChatCompletionMessageFunctionToolCall call : calls) {
            next.addMessage(ChatCompletionToolMessageParam.builder()
                    .toolCallId(call.id())
                    .content("{\"temperature_c\":18}")
                    .build());
        }
        client.chat().completions().create(next.build());

        JsonNode second = Json.MAPPER.readTree(upstream.lastReceived().body());
        JsonNode messages = second.get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
        assertThat(messages.at("/1/content/1/type").asText()).isEqualTo("tool_use");
        assertThat(messages.at("/1/content/1/input/city").asText()).isEqualTo("Paris");
        assertThat(messages.at("/2/role").asText()).isEqualTo("user");
        assertThat(messages.at("/2/content/0/type").asText()).isEqualTo("tool_result");
        assertThat(messages.at("/2/content/0/tool_use_id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(messages.at("/2/content/1/tool_use_id").asText()).isEqualTo("toolu_01B7hR2xk4VbZtqP3mWnE5cD");
    }

    @Test
    void aStreamedToolCallArrivesAsToolCallDeltas() {
        upstream.streamEvents("anthropic/stream-tool-use.sse", Duration.ZERO);
        Map<Long, String> ids = new TreeMap<>();
        Map<Long, StringBuilder> arguments = new TreeMap<>();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("smart")
                        .addUserMessage("What is the weather in Paris and in Lyon?")
                        .addFunctionTool(GET_WEATHER)
                        .build())) {
            stream.stream()
                    .forEach(chunk -> chunk.choices()
                            .forEach(c -> c.delta()
                                    .toolCalls()
                                    .ifPresent(calls -> calls.forEach(call -> {
                                        call.id().ifPresent(id -> ids.put(call.index(), id));
                                        call.function()
                                                .flatMap(f -> f.arguments())
                                                .ifPresent(a -> arguments
                                                        .computeIfAbsent(call.index(), i -> new StringBuilder())
                                                        .append(a));
                                    }))));
        }

        assertThat(ids)
                .containsEntry(0L, "toolu_01A09q90qw90lq917835lq9")
                .containsEntry(1L, "toolu_01B7hR2xk4VbZtqP3mWnE5cD");
        assertThat(arguments.get(0L).toString()).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(arguments.get(1L).toString()).isEqualTo("{\"city\": \"Lyon\", \"unit\": \"celsius\"}");
    }

    @Test
    void anOverloadedUpstreamIs503() {
        upstream.respond(529, "anthropic/error-overloaded.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.code()).contains("upstream_overloaded");
                });
    }

    @Test
    void anUpstreamThatRejectsTheKeyIs502WithoutLeakingIt() {
        upstream.respond(401, "anthropic/error-authentication.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage())
                            .doesNotContain("sk-ant")
                            .doesNotContain("x-api-key")
                            .contains("credentials");
                });
    }

    @Test
    void anUpstreamBadRequestKeepsItsMessage() {
        upstream.respond(400, "anthropic/error-invalid-request.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("tool_result"));
    }

    @Test
    void aParameterAnthropicCannotHonourIs400BeforeAnyUpstreamCall() {
        assertThatThrownBy(() -> client.chat().completions().create(ask().n(2).build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.param()).contains("n"));

        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void embeddingsAre400NamingTheModel() {
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("smart")
                                .input("hello")
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("model");
                    assertThat(e.getMessage()).contains("does not serve embeddings");
                });
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void aStreamErrorEventAfterTheFirstChunkEndsTheStreamWithAnError() {
        upstream.streamEvents("anthropic/stream-overloaded.sse", Duration.ZERO);
        StringBuilder text = new StringBuilder();

        assertThatThrownBy(() -> {
                    try (StreamResponse<ChatCompletionChunk> stream =
                            client.chat().completions().createStreaming(ask().build())) {
                        stream.stream()
                                .forEach(chunk -> chunk.choices()
                                        .forEach(c -> c.delta().content().ifPresent(text::append)));
                    }
                })
                .isInstanceOf(RuntimeException.class);
        assertThat(text.toString()).isEqualTo("Paris");
    }
}
