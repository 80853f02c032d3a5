package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestCluster;
import io.gatehouse.node.testing.TestDatabaseConfig;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes of one cluster, with the same master key, share the response cache. */
class ClusterResponseCacheTest {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final List<Node> nodes = new ArrayList<>();
    private static FakeOpenAiUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAiUpstream();
        TestCluster cluster = TestCluster.of(2);
        Map<String, String> env = Map.of("GATEHOUSE_MASTER_KEY", TestDatabaseConfig.masterKey());
        for (int i = 0; i < 2; i++) {
            nodes.add(TestNodes.start(cluster.yaml(i) + """
                            providers:
                              - { name: openai, type: openai, base_url: %s, api_key: sk-test }
                            models:
                              - name: smart
                                deployments: [{ provider: openai, model: gpt-4o }]
                            cache: { ttl: 10m, min_uses: 1 }
                            """.formatted(upstream.baseUrl()), env));
        }
    }

    @AfterAll
    static void stop() {
        nodes.forEach(node -> node.stop(Duration.ZERO));
        upstream.close();
    }

    @Test
    void anAnswerStoredThroughOneNodeIsAHitOnTheOther() throws Exception {
        String body =
                "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + UUID.randomUUID() + "\"}]}";
        HttpResponse<String> first = send(nodes.get(0), body);

        // The other node hears of the new entry from the cluster's events: within moments.
        HttpResponse<String> other = send(nodes.get(1), body);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!other.headers().firstValue("x-gatehouse-cache").orElse("").equals("hit")
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            other = send(nodes.get(1), body);
        }

        assertThat(first.headers().firstValue("x-gatehouse-cache")).contains("miss");
        assertThat(other.headers().firstValue("x-gatehouse-cache")).contains("hit");
        assertThat(other.body()).isEqualTo(first.body());
        int before = upstream.received().size();
        assertThat(send(nodes.get(1), body).headers().firstValue("x-gatehouse-cache"))
                .contains("hit");
        assertThat(upstream.received()).hasSize(before);
    }

    private static HttpResponse<String> send(Node node, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }
}
