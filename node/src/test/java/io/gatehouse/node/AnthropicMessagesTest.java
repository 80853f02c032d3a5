package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestNodes;
import io.gatehouse.providers.Json;
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

/**
 * The official Anthropic SDK against the node's {@code POST /v1/messages}, served here by an OpenAI
 * provider (a fake OpenAI upstream): Anthropic requests are translated into the canonical shape and
 * answers, streams and errors back into Anthropic's.
 */
class AnthropicMessagesTest {
    private FakeOpenAiUpstream upstream;
    private Node node;
    private AnthropicClient client;

    @BeforeEach
    void start() {
        upstream = new FakeOpenAiUpstream();
        node = TestNodes.start("""
                providers:
                  - name: upstream
                    type: openai
                    base_url: %s
                    api_key: sk-upstream-secret
                    timeouts: { first_byte: 2s, idle: 2s }
                models:
                  - name: smart
                    deployments: [{ provider: upstream, model: gpt-4o-mini }]
                """.formatted(upstream.baseUrl()));
        client = AnthropicOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node))
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

    private static MessageCreateParams.Builder ask() {
        return MessageCreateParams.builder()
                .model("smart")
                .maxTokens(256)
                .system("Be brief.")
                .addUserMessage("Capital of France?");
    }

    @Test
    void aMessageIsAnsweredByAnOpenAiProvider() throws Exception {
        Message message = client.messages().create(ask().build());

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("Paris is the capital of France.");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(14);
        assertThat(message.usage().outputTokens()).isEqualTo(7);

        FakeOpenAiUpstream.Received request = upstream.lastReceived();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer sk-upstream-secret");
        assertThat(request.headers()).doesNotContainKey("x-api-key");
        JsonNode body = Json.MAPPER.readTree(request.body());
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(256);
        assertThat(body.at("/messages/0"))
                .isEqualTo(Json.MAPPER.readTree("{\"role\":\"system\",\"content\":\"Be brief.\"}"));
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Capital of France?");
    }

    @Test
    void aStreamIsAnthropicsEventSequence() {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(ask().build())) {
            stream.stream().forEach(event -> {
                events.add(event);
                accumulator.accumulate(event);
            });
        }

        assertThat(events.get(0).isMessageStart()).isTrue();
        assertThat(events.get(1).isContentBlockStart()).isTrue();
        assertThat(events.get(events.size() - 2).isMessageDelta()).isTrue();
        assertThat(events.get(events.size() - 1).isMessageStop()).isTrue();
        Message message = accumulator.message();
        assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("Paris is the capital of France.");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(7);
    }

    @Test
    void aStreamedToolCallBecomesAToolUseBlock() {
        upstream.streamEvents("openai/chat-stream-tool-calls.events", Duration.ZERO);
        MessageAccumulator accumulator = MessageAccumulator.create();

        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("smart")
                        .maxTokens(512)
                        .addUserMessage("Read pom.xml and README.md.")
                        .addTool(Tool.builder()
                                .name("read_file")
                                .description("Read a text file.")
                                .inputSchema(Tool.InputSchema.builder()
                                        .properties(JsonValue.from(Map.of("path", Map.of("type", "string"))))
                                        .required(List.of("path"))
                                        .build())
                                .build())
                        .build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("Reading both files.");
        List<ToolUseBlock> calls = message.content().stream()
                .flatMap(block -> block.toolUse().stream())
                .toList();
        assertThat(calls).extracting(ToolUseBlock::name).containsExactly("read_file", "read_file");
        assertThat(calls.get(0).id()).isEqualTo("call_A1b2C3d4E5f6G7h8");
        assertThat(calls.get(0)._input().convert(Map.class)).isEqualTo(Map.of("path", "pom.xml"));
        assertThat(calls.get(1)._input().convert(Map.class)).isEqualTo(Map.of("path", "README.md"));
        JsonNode sent = readTree(upstream.lastReceived().body());
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("read_file");
        assertThat(sent.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("path");
    }

    @Test
    void aWholeToolCallAnswerBecomesToolUseBlocks() {
        upstream.respond(200, "openai/chat-completion-tool-calls.json");

        Message message = client.messages().create(ask().build());

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock call = message.content().stream()
                .flatMap(block -> block.toolUse().stream())
                .findFirst()
                .orElseThrow();
        assertThat(call.name()).isEqualTo("read_file");
        assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("path", "src/main/java/App.java"));
        assertThat(message.usage().cacheReadInputTokens()).contains(1920L);
        assertThat(message.content()).noneMatch(ContentBlock::isText);
    }

    @Test
    void anUnknownModelIsAnAnthropicNotFoundError() {
        assertThatThrownBy(() ->
                        client.messages().create(ask().model("no-such-model").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(String.valueOf(e.type().orElseThrow())).contains("not_found_error");
                    assertThat(e.getMessage()).contains("no-such-model");
                });
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void errorsBeforeTheStreamAreInAnthropicsShape() throws Exception {
        HttpResponse<String> missingMaxTokens =
                post("application/json", "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        HttpResponse<String> wrongType = post("text/plain", "hello");
        upstream.respond(401, "openai/error-invalid-key.json");
        HttpResponse<String> upstreamFailed = post(
                "application/json",
                "{\"model\":\"smart\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertError(missingMaxTokens, 400, "invalid_request_error", "max_tokens");
        assertError(wrongType, 415, "invalid_request_error", "application/json");
        assertError(upstreamFailed, 502, "api_error", "credentials");
        assertThat(upstreamFailed.body()).doesNotContain("sk-");
    }

    @Test
    void aFailureAfterTheStreamBeganIsAnErrorEvent() throws Exception {
        upstream.streamEvents("openai/chat-stream.events", Duration.ZERO).dropConnectionAfter(3);

        HttpResponse<String> response = post(
                "application/json",
                "{\"model\":\"smart\",\"max_tokens\":5,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<String> lines = response.body().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines.get(0)).isEqualTo("event: message_start");
        assertThat(lines.get(lines.size() - 2)).isEqualTo("event: error");
        JsonNode error = readTree(lines.get(lines.size() - 1).substring("data: ".length()));
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("api_error");
        assertThat(response.body()).doesNotContain("[DONE]").doesNotContain("message_stop");
    }

    @Test
    void theAnthropicSdkSeesAFailureMidStream() {
        upstream.streamEvents("openai/chat-stream.events", Duration.ZERO).dropConnectionAfter(3);

        assertThatThrownBy(() -> {
                    try (StreamResponse<RawMessageStreamEvent> stream =
                            client.messages().createStreaming(ask().build())) {
                        stream.stream().forEach(event -> {});
                    }
                })
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void theChatCompletionsEndpointKeepsOpenAisErrorShape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"no-such-model\","
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(readTree(response.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/messages"))
                                .header("Content-Type", contentType)
                                .header("x-api-key", "client-key")
                                .header("anthropic-version", "2023-06-01")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String type, String messagePart) {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = readTree(response.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo(type);
        assertThat(body.at("/error/message").asText()).contains(messagePart);
    }

    private static JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }
}
