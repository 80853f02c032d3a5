package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.CacheCalls;
import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestCluster;
import io.gatehouse.node.testing.TestDatabaseConfig;
import io.gatehouse.node.testing.TestNodes;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster, with the same master key, share the response cache: its answers, and
 * the prompts a semantic policy matches by meaning.
 */
class ClusterResponseCacheTest {
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
                            policies:
                              - name: everyone
                                when: "true"
                                cache: { mode: semantic }
                            cache: { ttl: 10m }
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
        String body = chat("user-" + UUID.randomUUID(), "What is the capital of France?");
        HttpResponse<String> first = send(nodes.get(0), body);
        HttpResponse<String> other = hitOn(nodes.get(1), body);

        assertThat(first.headers().firstValue("x-gatehouse-cache")).contains("miss");
        assertThat(other.headers().firstValue("x-gatehouse-cache")).contains("hit");
        assertThat(other.body()).isEqualTo(first.body());
        int before = upstream.received().size();
        assertThat(send(nodes.get(1), body).headers().firstValue("x-gatehouse-cache"))
                .contains("hit");
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void aPromptAnsweredThroughOneNodeAnswersAPromptThatMeansTheSameOnTheOther() throws Exception {
        String user = "user-" + UUID.randomUUID(); // a scope of this test's own
        HttpResponse<String> first = send(nodes.get(0), chat(user, "How do I reset my password?"));
        hitOn(nodes.get(1), chat(user, "How do I reset my password?"));
        int before = upstream.received().size();

        HttpResponse<String> other = send(nodes.get(1), chat(user, "What is the way to reset my password?"));

        assertThat(other.headers().firstValue("x-gatehouse-cache")).contains("semantic-hit");
        assertThat(other.body()).isEqualTo(first.body());
        assertThat(upstream.received()).hasSize(before);
    }

    /** The answer of {@code node} to {@code body} once it is a hit: the node hears of new entries within moments. */
    private static HttpResponse<String> hitOn(Node node, String body) throws Exception {
        HttpResponse<String> response = send(node, body);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!response.headers().firstValue("x-gatehouse-cache").orElse("").equals("hit")
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            response = send(node, body);
        }
        return response;
    }

    private static String chat(String user, String question) {
        return "{\"model\":\"smart\",\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}";
    }

    private static HttpResponse<String> send(Node node, String body) throws Exception {
        HttpResponse<String> response = CacheCalls.send(CacheCalls.chatRequest(node, body));
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }
}
