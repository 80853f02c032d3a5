package io.gatehouse.node;

import static io.gatehouse.node.testing.CacheCalls.cacheHeader;
import static io.gatehouse.node.testing.CacheCalls.chatRequest;
import static io.gatehouse.node.testing.CacheCalls.dataLines;
import static io.gatehouse.node.testing.CacheCalls.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestIdentityProvider;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The response cache on one node, against a real OpenAI-shaped upstream that counts its calls:
 * what is answered from the cache, for whom, and what never is.
 */
class ResponseCacheTest {
    private static TestIdentityProvider idp;
    private static FakeOpenAiUpstream upstream;
    private static Node node;

    private String prompt;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdentityProvider();
        upstream = new FakeOpenAiUpstream();
        node = TestNodes.start("""
                providers:
                  - { name: openai, type: openai, base_url: %s, api_key: sk-test }
                models:
                  - name: smart
                    deployments: [{ provider: openai, model: gpt-4o }]
                  - name: fast
                    deployments: [{ provider: openai, model: gpt-4o-mini }]
                auth:
                  jwt:
                    issuers:
                      - { issuer: %s, jwks_url: %s, audiences: [gatehouse], tenant_claim: org }
                policies:
                  - name: private
                    when: "'private' in principal.groups"
                    cache: { scope: subject, mode: exact }
                  - name: uncached
                    when: "'uncached' in principal.groups"
                    cache: { mode: "off" }
                  - name: tokens
                    when: "'metered' in principal.groups"
                    limits: { tpm: 100000, key: "claims.sub" }
                  - name: everyone
                    when: "true"
                limits: { local_lease: 0 }
                cache:
                  ttl: 1h
                  max_entry_bytes: 4096
                  min_uses: 1
                """.formatted(upstream.baseUrl(), idp.issuer(), idp.jwksUrl()));
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
        upstream.close();
        idp.close();
    }

    @BeforeEach
    void newPrompt() {
        prompt = "tell me about " + UUID.randomUUID();
        upstream.respond(200, "openai/chat-completion.json");
    }

    @Test
    void theSameRequestInTheSameTenantIsAnsweredFromTheCacheWithoutCallingTheProvider() throws Exception {
        HttpResponse<String> first = send(chat(token("alice", "acme"), "smart", ""));
        int calls = upstream.received().size();
        HttpResponse<String> second = send(chat(token("bob", "acme"), "smart", ""));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-gatehouse-cache")).contains("miss");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-gatehouse-cache")).contains("hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(upstream.received()).hasSize(calls);
    }

    @Test
    void anotherTenantAnotherModelOrAnotherParameterIsAMiss() throws Exception {
        send(chat(token("alice", "acme"), "smart", ""));

        assertThat(cacheHeader(chat(token("carol", "globex"), "smart", ""))).isEqualTo("miss");
        assertThat(cacheHeader(chat(token("alice", "acme"), "fast", ""))).isEqualTo("miss");
        assertThat(cacheHeader(chat(token("alice", "acme"), "smart", ",\"temperature\":0.5")))
                .isEqualTo("miss");
        assertThat(cacheHeader(chat(token("alice", "acme"), "smart", ""))).isEqualTo("hit");
    }

    @Test
    void aPolicyWithSubjectScopeSharesAnswersOnlyWithTheSameCaller() throws Exception {
        send(chat(token("alice", "acme", "private"), "smart", ""));

        assertThat(cacheHeader(chat(token("bob", "acme", "private"), "smart", "")))
                .isEqualTo("miss");
        assertThat(cacheHeader(chat(token("alice", "acme", "private"), "smart", "")))
                .isEqualTo("hit");
        // Nor does a tenant-wide entry answer a caller whose policy keeps answers private.
        send(chat(token("dave", "acme"), "fast", ""));
        assertThat(cacheHeader(chat(token("erin", "acme", "private"), "fast", "")))
                .isEqualTo("miss");
    }

    @Test
    void modeOffAndTheClientsCacheControlBypassTheCache() throws Exception {
        send(chat(token("alice", "acme"), "smart", ""));
        int calls = upstream.received().size();

        assertThat(cacheHeader(chat(token("frank", "acme", "uncached"), "smart", "")))
                .isEqualTo("bypass");
        HttpRequest noCache = HttpRequest.newBuilder(chat(token("alice", "acme"), "smart", ""), (n, v) -> true)
                .header("Cache-Control", "no-cache")
                .build();
        assertThat(cacheHeader(noCache)).isEqualTo("bypass");
        assertThat(upstream.received()).hasSize(calls + 2);

        // no-store neither looks up nor stores: the next request of its kind is still a miss.
        String other = "other " + prompt;
        HttpRequest noStore = HttpRequest.newBuilder(chatWith(token("alice", "acme"), "smart", other), (n, v) -> true)
                .header("Cache-Control", "no-store")
                .build();
        assertThat(cacheHeader(noStore)).isEqualTo("bypass");
        assertThat(cacheHeader(chatWith(token("alice", "acme"), "smart", other)))
                .isEqualTo("miss");
    }

    @Test
    void aStreamIsReplayedAsTheSameEventsAndAPlainRequestDoesNotShareItsEntry() throws Exception {
        upstream.streamEvents("openai/chat-stream.events", Duration.ZERO);
        HttpResponse<String> first = send(chat(token("alice", "acme"), "smart", ",\"stream\":true"));
        int calls = upstream.received().size();
        HttpResponse<String> second = send(chat(token("bob", "acme"), "smart", ",\"stream\":true"));

        assertThat(first.headers().firstValue("x-gatehouse-cache")).contains("miss");
        assertThat(second.headers().firstValue("x-gatehouse-cache")).contains("hit");
        assertThat(second.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(dataLines(second.body()))
                .isEqualTo(dataLines(first.body()))
                .last()
                .isEqualTo("data: [DONE]");
        assertThat(upstream.received()).hasSize(calls);
        assertThat(cacheHeader(chat(token("bob", "acme"), "smart", ""))).isEqualTo("miss");
    }

    @Test
    void anAnthropicClientIsAnsweredFromTheCacheInItsOwnShape() throws Exception {
        HttpResponse<String> first = send(messages(token("alice", "acme")));
        int calls = upstream.received().size();
        HttpResponse<String> second = send(messages(token("bob", "acme")));

        assertThat(first.headers().firstValue("x-gatehouse-cache")).contains("miss");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-gatehouse-cache")).contains("hit");
        assertThat(second.body()).contains("\"type\":\"message\"").isEqualTo(first.body());
        assertThat(upstream.received()).hasSize(calls);
    }

    @Test
    void errorsAndAnswersOverTheSizeLimitAreNotStored() throws Exception {
        upstream.respond(500, "openai/error-rate-limit.json");
        assertThat(send(chat(token("alice", "acme"), "smart", "")).statusCode()).isEqualTo(502);
        upstream.respond(200, "openai/chat-completion.json");
        assertThat(cacheHeader(chat(token("alice", "acme"), "smart", ""))).isEqualTo("miss");

        upstream.respond(200, "openai/chat-completion-long.json"); // over max_entry_bytes
        assertThat(cacheHeader(chat(token("bob", "acme"), "fast", ""))).isEqualTo("miss");
        assertThat(cacheHeader(chat(token("bob", "acme"), "fast", ""))).isEqualTo("miss");
    }

    @Test
    void aHitGivesBackTheTokensItReservedAsItUsedNone() throws Exception {
        send(chat(token("gina", "acme", "metered"), "smart", ",\"max_tokens\":500"));
        HttpResponse<String> hit = send(chat(token("gina", "acme", "metered"), "smart", ",\"max_tokens\":500"));
        HttpResponse<String> after = send(chat(token("gina", "acme", "metered"), "smart", ",\"max_tokens\":500"));

        assertThat(hit.headers().firstValue("x-gatehouse-cache")).contains("hit");
        // Each request reserves its estimate (over 500 tokens) when admitted; a hit used none and gave
        // all of it back, so the next request finds the bucket as the hit did (give or take its refill).
        assertThat(remainingTokens(after)).isGreaterThan(remainingTokens(hit) - 100);
    }

    private String token(String subject, String org, String... groups) {
        return idp.sign(idp.claims(subject)
                .claim("org", org)
                .claim("groups", List.of(groups))
                .build());
    }

    private HttpRequest chat(String token, String model, String extra) {
        return chatRequest(
                node,
                token,
                "{\"model\":\"" + model + "\"" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                        + "\"}]}");
    }

    private HttpRequest chatWith(String token, String model, String content) {
        return chatRequest(
                node,
                token,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}");
    }

    private HttpRequest messages(String token) {
        return HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/messages"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"smart\",\"max_tokens\":64,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}"))
                .build();
    }

    private static long remainingTokens(HttpResponse<String> response) {
        return Long.parseLong(
                response.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    }
}
