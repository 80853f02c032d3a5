package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestNodes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node relaying to a fake OpenAI-compatible upstream: a real HTTP server speaking OpenAI's format. */
class UpstreamRelayTest {
    private static final String CHAT =
            "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}]";

    private FakeOpenAiUpstream upstream;
    private Node node;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        upstream = new FakeOpenAiUpstream();
        node = startNode(upstream.baseUrl(), "2s");
        client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("client-key")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(15))
                .build();
    }

    private static Node startNode(String baseUrl, String firstByteTimeout) {
        return startNode(baseUrl, firstByteTimeout, "2s");
    }

    private static Node startNode(String baseUrl, String firstByteTimeout, String idleTimeout) {
        return TestNodes.start(
                """
                providers:
                  - name: upstream
                    type: openai
                    base_url: %s
                    api_key: ${UPSTREAM_KEY}
                    timeouts: { first_byte: %s, idle: %s }
                models:
                  - name: smart
                    deployments: [{ provider: upstream, model: gpt-4o-mini }]
                """.formatted(baseUrl, firstByteTimeout, idleTimeout),
                java.util.Map.of("UPSTREAM_KEY", "sk-upstream-secret"));
    }

    @AfterEach
    void stop() {
        client.close();
        node.stop(Duration.ZERO);
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder().model("smart").addUserMessage("Capital of France?");
    }

    @Test
    void relaysTheAnswerAndSendsTheDeploymentModelWithTheProviderKey() {
        ChatCompletion completion =
                client.chat().completions().create(ask().temperature(0.2).build());

        assertThat(completion.choices().get(0).message().content()).contains("Paris is the capital of France.");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(21);
        FakeOpenAiUpstream.Received request = upstream.lastReceived();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer sk-upstream-secret");
        assertThat(request.body()).contains("\"model\":\"gpt-4o-mini\"").contains("\"temperature\":0.2");
    }

    @Test
    void theUpstreamGetsTheClientsOwnBytesWithOnlyTheModelReplaced() throws Exception {
        String sent = "{ \"model\" : \"smart\",\n  \"messages\": [{\"role\": \"user\", \"content\": \"Caf\\u00e9?\"}],"
                + " \"temperature\": 2E-1, \"vendor_extension\": {\"x\": [1.50, null]} }";

        HttpResponse<String> response = post(sent, "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.lastReceived().body()).isEqualTo(sent.replace("\"smart\"", "\"gpt-4o-mini\""));
    }

    @Test
    void namesTheDeploymentThatAnsweredInResponseHeaders() throws Exception {
        HttpResponse<String> response = post(CHAT + "}", "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-gatehouse-provider")).contains("upstream");
        assertThat(response.headers().firstValue("x-gatehouse-model")).contains("gpt-4o-mini");
        assertThat(response.headers().firstValue("x-gatehouse-node")).contains("test-node");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void streamEventsReachTheClientOneByOneAsTheUpstreamSendsThem() throws Exception {
        upstream.streamEvents("openai/chat-stream.events", Duration.ofMillis(150));
        post(CHAT + "}", "application/json"); // warm up connections and classes
        List<Long> arrivals = new ArrayList<>();
        List<String> events = new ArrayList<>();
        long start = System.nanoTime();
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(CHAT + ",\"stream\":true}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .body()
                .filter(line -> line.startsWith("data: "))
                .forEach(line -> {
                    arrivals.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    events.add(line);
                });

        // 8 chunks and [DONE]; the usage chunk is withheld since the client did not ask for it.
        assertThat(events).hasSize(9).last().isEqualTo("data: [DONE]");
        assertThat(String.join("", events)).doesNotContain("\"prompt_tokens\"");
        // Were the gateway buffering, the chunks would arrive together at the end (~1200 ms).
        assertThat(arrivals.get(0)).isLessThan(500);
        for (int i = 1; i < 8; i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 1))
                    .as("gap before chunk %d in %s", i, arrivals)
                    .isGreaterThan(75);
        }
        assertThat(upstream.lastReceived().body()).contains("\"include_usage\":true");
    }

    @Test
    void theOpenAiSdkReadsAStreamRelayedFromTheUpstream() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(ask().build())) {
            stream.stream()
                    .forEach(chunk ->
                            chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }

        assertThat(text.toString()).isEqualTo("Paris is the capital of France.");
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsTheUpstreamCall() throws Exception {
        upstream.streamEvents("openai/chat-stream.events", Duration.ofMillis(300));
        try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
            String body = CHAT + ",\"stream\":true}";
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int events = 0;
            for (String line = in.readLine(); line != null && events < 2; line = in.readLine()) {
                if (line.startsWith("data: ")) {
                    events++;
                }
            }
            assertThat(events).isEqualTo(2);
        }

        // The upstream had 7 more events to send over ~2 s; it must see its client (the gateway) leave.
        assertThat(upstream.clientGone().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(upstream.streamsCompleted()).isZero();
    }

    @Test
    void aStreamThatBreaksAfterItBeganEndsWithAnErrorEvent() throws Exception {
        upstream.streamEvents("openai/chat-stream.events", Duration.ZERO).dropConnectionAfter(3);

        HttpResponse<String> response = post(CHAT + ",\"stream\":true}", "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data =
                response.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(data).hasSize(4);
        assertThat(data.get(3)).contains("\"error\"").contains("upstream_failed");
        assertThat(response.body()).doesNotContain("[DONE]");
    }

    @Test
    void upstreamRateLimitIsRelayedAs429() {
        upstream.respond(429, "openai/error-rate-limit.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).contains("rate_limit_exceeded");
                });
    }

    @Test
    void upstreamContextLengthErrorKeepsItsMeaning() {
        upstream.respond(400, "openai/error-context-length.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("context_length_exceeded");
                    assertThat(e.param()).contains("messages");
                });
    }

    @Test
    void upstreamRejectingTheProviderKeyIs502WithoutLeakingIt() {
        upstream.respond(401, "openai/error-invalid-key.json");

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).doesNotContain("sk-").contains("credentials");
                });
    }

    @Test
    void upstreamSilentPastTheFirstByteTimeoutIs504() {
        upstream.delayHeaders(Duration.ofSeconds(4));

        assertThatThrownBy(() -> client.chat().completions().create(ask().build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(504);
                    assertThat(e.code()).contains("upstream_timeout");
                });
    }

    @Test
    void aProviderThinkingLongerThanTheIdleTimeoutButWithinTheFirstByteTimeoutIsAnswered() throws Exception {
        Node patient = startNode(upstream.baseUrl(), "5s", "500ms");
        upstream.delayHeaders(Duration.ofMillis(1500));
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(patient) + "/v1/chat/completions"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(CHAT + "}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        } finally {
            patient.stop(Duration.ZERO);
        }
    }

    @Test
    void aStreamThatFallsSilentPastTheIdleTimeoutEndsWithATimeoutEvent() throws Exception {
        Node impatient = startNode(upstream.baseUrl(), "5s", "300ms");
        upstream.streamEvents("openai/chat-stream.events", Duration.ofMillis(1000));
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(impatient) + "/v1/chat/completions"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(CHAT + ",\"stream\":true}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> data =
                    response.body().lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(data).hasSize(2);
            assertThat(data.get(1)).contains("upstream_timeout").contains("stopped sending data");
        } finally {
            impatient.stop(Duration.ZERO);
        }
    }

    @Test
    void upstreamThatRefusesConnectionsIs502() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Node refused = startNode("http://127.0.0.1:" + closedPort + "/v1", "2s");
        OpenAIClient refusedClient = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(refused) + "/v1")
                .apiKey("x")
                .maxRetries(0)
                .build();
        try {
            assertThatThrownBy(() -> refusedClient.chat().completions().create(ask().build()))
                    .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(502);
                        assertThat(e.code()).contains("upstream_failed");
                    });
        } finally {
            refusedClient.close();
            refused.stop(Duration.ZERO);
        }
    }

    @Test
    void embeddingsAreRelayed() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/embeddings"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"smart\",\"input\":\"hello\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"embedding\"");
        assertThat(upstream.lastReceived().path()).isEqualTo("/v1/embeddings");
        assertThat(upstream.lastReceived().body()).contains("\"model\":\"gpt-4o-mini\"");
    }

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
