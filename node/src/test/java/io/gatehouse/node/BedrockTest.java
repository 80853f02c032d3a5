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
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import io.gatehouse.node.testing.EventStreamFrames;
import io.gatehouse.node.testing.FakeBedrockUpstream;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node relaying to a fake Bedrock runtime, a real HTTP server that speaks Converse and
 * ConverseStream (binary event-stream frames) and verifies each request's AWS signature, with the
 * official OpenAI SDK as the client.
 */
class BedrockTest {
    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0";
    private static final String KEYS_FROM_CONFIG = """
                access_key_id: ${BEDROCK_KEY_ID}
                secret_access_key: ${BEDROCK_SECRET}
            """;

    private static FakeBedrockUpstream bedrock;
    private static Node node;
    private static OpenAIClient sharedClient;

    private OpenAIClient client;
    private Node ownNode;

    @BeforeAll
    static void startSharedNode() {
        bedrock = new FakeBedrockUpstream(KEY_ID, SECRET, "us-east-1");
        node = startNode(Map.of("BEDROCK_KEY_ID", KEY_ID, "BEDROCK_SECRET", SECRET), KEYS_FROM_CONFIG);
        sharedClient = client(node);
    }

    @AfterAll
    static void stopSharedNode() {
        sharedClient.close();
        node.stop(Duration.ZERO);
        bedrock.close();
    }

    @BeforeEach
    void useSharedNode() {
        bedrock.reset();
        client = sharedClient;
    }

    @AfterEach
    void stopOwnNode() {
        if (ownNode != null) {
            client.close();
            ownNode.stop(Duration.ZERO);
        }
    }

    /** Sends this test's requests through a node of its own, configured with other credentials. */
    private void useOwnNode(Map<String, String> env, String credentials) {
        ownNode = startNode(env, credentials);
        client = client(ownNode);
    }

    private static Node startNode(Map<String, String> env, String credentials) {
        return TestNodes.start("""
                providers:
                  - name: bedrock-east
                    type: bedrock
                    region: us-east-1
                    base_url: %s
                %s    timeouts: { first_byte: 5s, idle: 5s }
                models:
                  - name: smart
                    deployments: [{ provider: bedrock-east, model: "%s" }]
                """.formatted(bedrock.baseUrl(), credentials, MODEL_ID), env);
    }

    private static OpenAIClient client(Node node) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("client-key")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(15))
                .build();
    }

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder()
                .model("smart")
                .addSystemMessage("Answer in one sentence.")
                .addUserMessage("Capital of France?");
    }

    @Test
    void answersThroughConverseWithASignedRequest() {
        ChatCompletion completion = client.chat()
                .completions()
                .create(ask().maxCompletionTokens(200).temperature(0.2).build());

        assertThat(completion.choices().get(0).message().content()).contains("Paris is the capital of France.");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.model()).isEqualTo("smart");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(14);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(7);
        FakeBedrockUpstream.Received request = bedrock.lastReceived();
        assertThat(request.rawPath()).isEqualTo("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
        assertThat(request.headers().get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/")
                .contains("/us-east-1/bedrock/aws4_request");
        JsonNode body = request.json();
        assertThat(body.has("model")).isFalse();
        assertThat(body.at("/system/0/text").asText()).isEqualTo("Answer in one sentence.");
        assertThat(body.at("/messages/0/content/0/text").asText()).isEqualTo("Capital of France?");
        assertThat(body.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(200);
        assertThat(body.at("/inferenceConfig/temperature").asDouble()).isEqualTo(0.2);
    }

    @Test
    void streamsConverseStreamEventsToTheSdk() {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks;

        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ask().streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            chunks = stream.stream().toList();
        }

        chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        assertThat(text).hasToString("Paris is the capital of France.");
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().totalTokens()).isEqualTo(21);
        assertThat(bedrock.lastReceived().rawPath())
                .isEqualTo("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream");
    }

    @Test
    void aToolCallComesBackAsOpenAiToolCalls() {
        bedrock.converse("bedrock/converse-tool-use.json");

        ChatCompletion completion =
                client.chat().completions().create(withWeatherTool().build());

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call =
                choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
        JsonNode sent = bedrock.lastReceived().json();
        assertThat(sent.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/toolConfig/tools/0/toolSpec/inputSchema/json/properties/city/type")
                        .asText())
                .isEqualTo("string");
        assertThat(sent.at("/toolConfig/toolChoice/any").isObject()).isTrue();
    }

    @Test
    void aStreamedToolCallArrivesAsArgumentDeltas() {
        bedrock.stream("bedrock/converse-stream-tool-use.jsonl", Duration.ZERO);
        Map<Long, StringBuilder> arguments = new HashMap<>();
        Map<Long, String> names = new HashMap<>();

        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(withWeatherTool().build())) {
            stream.stream()
                    .forEach(chunk -> chunk.choices()
                            .forEach(c -> c.delta()
                                    .toolCalls()
                                    .ifPresent(calls -> calls.forEach(call -> {
                                        call.function()
                                                .flatMap(f -> f.name())
                                                .ifPresent(n -> names.put(call.index(), n));
                                        call.function()
                                                .flatMap(f -> f.arguments())
                                                .ifPresent(a -> arguments
                                                        .computeIfAbsent(call.index(), i -> new StringBuilder())
                                                        .append(a));
                                    }))));
        }

        assertThat(names).containsEntry(0L, "get_weather").containsEntry(1L, "get_time");
        assertThat(arguments.get(0L)).hasToString("{\"city\": \"Paris\"}");
        assertThat(arguments.get(1L)).hasToString("{}");
    }

    @Test
    void aRejectedSignatureIs502WithoutLeakingTheSecretOrAwsDetail() {
        useOwnNode(
                Map.of("BEDROCK_KEY_ID", KEY_ID, "BEDROCK_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY"),
                KEYS_FROM_CONFIG);

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage())
                            .contains("rejected the gateway's credentials")
                            .doesNotContain("WRONGKEY")
                            .doesNotContain("signature we calculated");
                });
        assertThat(bedrock.received()).hasSize(1);
    }

    @Test
    void temporaryCredentialsFromTheStandardAwsVariablesSignTheSessionToken() {
        useOwnNode(
                Map.of(
                        "AWS_ACCESS_KEY_ID", KEY_ID,
                        "AWS_SECRET_ACCESS_KEY", SECRET,
                        "AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEXAMPLESESSION"),
                "");

        ChatCompletion completion = client.chat().completions().create(ask().build());

        assertThat(completion.choices().get(0).message().content()).isPresent();
        FakeBedrockUpstream.Received request = bedrock.lastReceived();
        assertThat(request.headers().get("X-Amz-Security-Token")).isEqualTo("IQoJb3JpZ2luX2VjEXAMPLESESSION");
        assertThat(request.headers().get("Authorization")).contains("x-amz-security-token");
    }

    @Test
    void throttlingIsRelayedAs429() {
        bedrock.fail(429, "ThrottlingException", "bedrock/error-throttling.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(
                        RateLimitException.class,
                        e -> assertThat(e.getMessage()).contains("Too many requests"));
    }

    @Test
    void theErrorTypeHeaderDecidesOverTheStatus() {
        // 429 alone would read as the client's rate limit; the header says the model is still loading.
        bedrock.fail(429, "ModelNotReadyException", "bedrock/error-model-not-ready.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("is loading the configured model");
                });
    }

    @Test
    void aValidationErrorBeforeTheStreamBeginsIs400WithBedrocksMessage() {
        bedrock.fail(400, "ValidationException", "bedrock/error-validation.json");

        assertThatThrownBy(() -> {
                    try (StreamResponse<ChatCompletionChunk> stream =
                            client.chat().completions().createStreaming(ask().build())) {
                        stream.stream().toList();
                    }
                })
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("Input is too long for requested model"));
        assertThat(bedrock.lastReceived().rawPath()).endsWith("/converse-stream");
    }

    @Test
    void anExceptionMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
        bedrock.stream(List.of(
                EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
                EventStreamFrames.event(
                        "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Paris\"}}"),
                EventStreamFrames.exception(
                        "modelStreamErrorException",
                        "{\"message\":\"Model stream error.\",\"originalStatusCode\":500}")));

        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"smart\",\"stream\":true,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data =
                response.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(data).hasSize(3);
        assertThat(data.get(1)).contains("\"content\":\"Paris\"");
        assertThat(data.get(2)).contains("\"error\"").contains("upstream_failed");
        assertThat(response.body()).doesNotContain("[DONE]");
    }

    @Test
    void anHttpImageUrlIs400BeforeAnythingIsSent() {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("smart")
                                .addUserMessageOfArrayOfContentParts(List.of(
                                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                                        .url("https://example.com/cat.png")
                                                        .build())
                                                .build())))
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.getMessage()).contains("Converse needs the image bytes");
                    assertThat(e.param()).contains("messages[0].content[0].image_url.url");
                });
        assertThat(bedrock.received()).isEmpty();
    }

    private static ChatCompletionCreateParams.Builder withWeatherTool() {
        return ChatCompletionCreateParams.builder()
                .model("smart")
                .addUserMessage("What's the weather in Paris?")
                .addFunctionTool(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Current weather for a city.")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties",
                                        JsonValue.from(Map.of(
                                                "city", Map.of("type", "string"),
                                                "unit", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED);
    }
}
