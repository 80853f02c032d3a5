package io.gatehouse.node;

import static io.gatehouse.node.testing.CacheCalls.cacheHeader;
import static io.gatehouse.node.testing.CacheCalls.chatRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestNodes;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With the default {@code cache.min_uses} of 2, only the answers of requests that come again are stored. */
class CacheAdmissionTest {
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

        assertThat(cacheHeader(chatRequest(node, body))).isEqualTo("miss"); // seen once: relayed, not stored
        assertThat(cacheHeader(chatRequest(node, body))).isEqualTo("miss"); // seen twice: relayed and stored
        int calls = upstream.received().size();
        assertThat(cacheHeader(chatRequest(node, body))).isEqualTo("hit");
        assertThat(upstream.received()).hasSize(calls);
    }
}
