package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.gatehouse.node.testing.FakeGeminiUpstream;
import io.gatehouse.node.testing.FakeGoogleTokenEndpoint;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertex AI through a node: the service account's signed assertion is exchanged at a fake token
 * endpoint that verifies it, and the access token it returns authorizes calls to a fake Vertex AI.
 */
class VertexAiTest {
    private static final String CHAT =
            "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of Italy?\"}]}";

    @TempDir
    Path dir;

    private FakeGoogleTokenEndpoint google;
    private FakeGeminiUpstream vertex;
    private Node node;

    @BeforeEach
    void start() {
        google = new FakeGoogleTokenEndpoint();
        vertex = new FakeGeminiUpstream();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.stop(Duration.ZERO);
        }
        vertex.close();
        google.close();
    }

    private Node startNode(String credentialsFile) {
        node = TestNodes.start(
                """
                providers:
                  - name: vertex
                    type: vertex-ai
                    project: acme-prod-ai
                    location: us-central1
                    credentials_file: %s
                    base_url: %s
                models:
                  - name: smart
                    deployments: [{ provider: vertex, model: gemini-2.5-flash }]
                  - name: embed
                    deployments: [{ provider: vertex, model: gemini-embedding-001 }]
                """.formatted(credentialsFile, vertex.rootUrl()), Map.of("GOOGLE_KEY", google.serviceAccountKey()));
        return node;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the node has its first token: until then it answers 503. */
    private void awaitToken() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (post("/v1/chat/completions", CHAT).statusCode() != 503) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the node obtained no token within 10 s");
    }

    @Test
    void theSignedAssertionIsExchangedOnceAndTheCachedTokenAuthorizesEveryCall() throws Exception {
        Path keyFile = dir.resolve("service-account.json");
        Files.writeString(keyFile, google.serviceAccountKey());
        startNode(keyFile.toString());
        awaitToken();
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey("client-key")
                .maxRetries(0)
                .build();
        try {
            ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder()
                    .model("smart")
                    .addUserMessage("What is the capital of Italy?")
                    .build();
            ChatCompletion completion = client.chat().completions().create(ask);
            StringBuilder streamed = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> stream =
                    client.chat().completions().createStreaming(ask)) {
                stream.stream()
                        .forEach(chunk ->
                                chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
            }

            assertThat(completion.choices().get(0).message().content()).contains("Rome is the capital of Italy.");
            assertThat(streamed.toString()).isEqualTo("Rome is the capital of Italy.");
        } finally {
            client.close();
        }

        String model = "/v1/projects/acme-prod-ai/locations/us-central1/publishers/google/models/gemini-2.5-flash";
        assertThat(vertex.received()).hasSizeGreaterThanOrEqualTo(3).allSatisfy(request -> {
            assertThat(request.headers().get("Authorization")).isEqualTo("Bearer ya29.test-token-1");
            assertThat(request.headers()).doesNotContainKey("x-goog-api-key");
        });
        assertThat(vertex.received().get(vertex.received().size() - 2).path()).isEqualTo(model + ":generateContent");
        assertThat(vertex.lastReceived().path()).isEqualTo(model + ":streamGenerateContent");
        assertThat(vertex.lastReceived().query()).isEqualTo("alt=sse");

        // One token request, whatever the number of calls, with an assertion Google would accept.
        assertThat(google.issued()).singleElement().satisfies(issued -> {
            assertThat(issued.verified())
                    .as("RS256 signature verified with the key pair's public key")
                    .isTrue();
            assertThat(issued.contentType()).isEqualTo("application/x-www-form-urlencoded");
            assertThat(issued.grantType()).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
            assertThat(issued.header().getKeyID()).isEqualTo("9b1d4e7a2c6f8e0b3d5a7c9e1f2b4d6a8c0e2f4b");
            assertThat(issued.claims().getIssuer()).isEqualTo(FakeGoogleTokenEndpoint.CLIENT_EMAIL);
            assertThat(issued.claims().getAudience()).containsExactly(google.tokenUri());
            assertThat(issued.claims().getStringClaim("scope"))
                    .isEqualTo("https://www.googleapis.com/auth/cloud-platform");
        });
    }

    @Test
    void beforeTheFirstTokenARequestFailsAtOnceWith503AndTheKeyMayComeFromTheEnvironment() throws Exception {
        google.hold();
        startNode("${GOOGLE_KEY}");

        long start = System.nanoTime();
        HttpResponse<String> early = post("/v1/chat/completions", CHAT);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(new ObjectMapper().readTree(early.body()).at("/error/code").asText())
                .isEqualTo("upstream_credentials_pending");
        assertThat(vertex.received()).isEmpty();

        google.release();
        awaitToken();
        assertThat(post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
        assertThat(vertex.lastReceived().headers().get("Authorization")).isEqualTo("Bearer ya29.test-token-1");
    }

    @Test
    void vertexDeploymentsDoNotServeEmbeddingsYet() throws Exception {
        startNode("${GOOGLE_KEY}");

        HttpResponse<String> response = post("/v1/embeddings", "{\"model\":\"embed\",\"input\":\"hello\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("does not serve embeddings");
        assertThat(vertex.received()).isEmpty();
    }
}
