package io.gatehouse.node;

import static io.gatehouse.node.testing.CacheCalls.chatRequest;
import static io.gatehouse.node.testing.CacheCalls.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cache lookup that takes longer than {@code cache.lookup_timeout} counts as a miss, and the
 * request goes on to the provider. The lookup of a policy that matches by meaning waits for the
 * prompt's embedding (the real model), which takes longer than the 1 ms allowed here.
 */
class CacheLookupTimeoutTest {
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
                policies:
                  - name: everyone
                    when: "true"
                    cache: { mode: semantic }
                cache:
                  lookup_timeout: 1ms
                """.formatted(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
        upstream.close();
    }

    @Test
    void aLookupSlowerThanItsTimeoutIsAMissAndTheRequestGoesToTheProvider() throws Exception {
        upstream.respond(200, "openai/chat-completion.json");
        String question = "How do I reset my password? " + "Please explain each step in detail. ".repeat(12);

        HttpResponse<String> answered = send(chatRequest(
                node, "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}"));

        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.headers().firstValue("x-gatehouse-cache")).contains("miss");
        assertThat(upstream.received()).hasSize(1);
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/metrics"))
                                .build())
                        .body())
                .containsPattern("gatehouse_cache_lookups_total\\{[^}]*result=\"error\"[^}]*} 1\\.0");
    }
}
