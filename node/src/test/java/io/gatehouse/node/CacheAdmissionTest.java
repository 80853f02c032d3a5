package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With the default {@code cache.min_uses} of 2, only the answers of requests that come again are stored. */
class CacheAdmissionTest {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static FakeOpenAiUpstream upstream;
    private static Node node;

    @BeforeAll
    static void start() {
        upstream = new FakeOpenAiUpstream();
        node = TestNodes.start("""
                providers:
                  - { name: openai, type: openai, base_url: %s, api_key: sk-test }
                models:
                  - name: smart
                    deployments: [{ provider: openai, model: gpt-4o }]
                cache: {}
                """.formatted(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
        upstream.close();
    }

    @Test
    void aRequestSeenOnceIsNotStoredAndOneSeenTwiceIs() throws Exception {
        String body =
                "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + UUID.randomUUID() + "\"}]}";

        assertThat(cacheHeader(body)).isEqualTo("miss"); // seen once: relayed, not stored
        assertThat(cacheHeader(body)).isEqualTo("miss"); // seen twice: relayed and stored
        int calls = upstream.received().size();
        assertThat(cacheHeader(body)).isEqualTo("hit");
        assertThat(upstream.received()).hasSize(calls);
    }

    private static String cacheHeader(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("x-gatehouse-cache").orElse("(none)");
    }
}
