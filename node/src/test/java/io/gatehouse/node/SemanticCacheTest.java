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
 * The semantic match on one node, with the real embedding model, against a real OpenAI-shaped
 * upstream that counts its calls: a question that means the same as one answered before is answered
 * from the cache; one that means something else, or comes in another scope, is not.
 */
class SemanticCacheTest {
    private static final String QUESTION = "How do I reset my password?";
    private static final String SAME_MEANING = "What is the way to reset my password?";
    private static final String OTHER_MEANING = "What is the weather in Paris today?";

    private static TestIdentityProvider idp;
    private static FakeOpenAiUpstream upstream;
    private static Node node;

    /** Each test asks in a tenant of its own, so that no test finds another's answers. */
    private String tenant;

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
                auth:
                  jwt:
                    issuers:
                      - { issuer: %s, jwks_url: %s, audiences: [gatehouse], tenant_claim: org }
                policies:
                  - name: exact-only
                    when: "'exact' in principal.groups"
                    cache: { mode: exact }
                  - name: everyone
                    when: "true"
                    cache: { mode: semantic }
                cache:
                  ttl: 1h
                  lookup_timeout: 5s
                """.formatted(upstream.baseUrl(), idp.issuer(), idp.jwksUrl()));
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
        upstream.close();
        idp.close();
    }

    @BeforeEach
    void newTenant() {
        tenant = "tenant-" + UUID.randomUUID();
        upstream.respond(200, "openai/chat-completion.json");
    }

    @Test
    void aQuestionThatMeansTheSameIsAnsweredFromTheCacheWithoutCallingTheProvider() throws Exception {
        HttpResponse<String> first = send(chat(token("alice"), "", QUESTION));
        int calls = upstream.received().size();
        HttpResponse<String> second = send(chat(token("bob"), "", SAME_MEANING));

        assertThat(first.headers().firstValue("x-gatehouse-cache")).contains("miss");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-gatehouse-cache")).contains("semantic-hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(upstream.received()).hasSize(calls);
        // The same words again are an exact hit.
        assertThat(cacheHeader(chat(token("carol"), "", QUESTION))).isEqualTo("hit");
        assertThat(metrics())
                .containsPattern("gatehouse_cache_lookups_total\\{[^}]*result=\"semantic-hit\"[^}]*} [1-9]")
                .contains("gatehouse_cache_prompts_not_embedded_total");
    }

    @Test
    void aQuestionThatMeansSomethingElseIsAMissAndIsStoredInTurn() throws Exception {
        send(chat(token("alice"), "", QUESTION));

        assertThat(cacheHeader(chat(token("alice"), "", OTHER_MEANING))).isEqualTo("miss");
        assertThat(cacheHeader(chat(token("alice"), "", "How is the weather in Paris today?")))
                .isEqualTo("semantic-hit");
    }

    @Test
    void theSameMeaningAfterAnotherConversationWithOtherParametersOrInAnotherTenantIsAMiss() throws Exception {
        send(chat(token("alice"), "", QUESTION));

        assertThat(cacheHeader(chat(token("alice"), ",\"temperature\":0.2", SAME_MEANING)))
                .isEqualTo("miss");
        assertThat(cacheHeader(chatRequest(
                        node,
                        token("alice"),
                        "{\"model\":\"smart\",\"messages\":[{\"role\":\"system\",\"content\":\"Answer in French.\"},"
                                + "{\"role\":\"user\",\"content\":\"" + SAME_MEANING + "\"}]}")))
                .isEqualTo("miss");
        String elsewhere = tenant;
        tenant = "tenant-" + UUID.randomUUID();
        assertThat(cacheHeader(chat(token("alice"), "", SAME_MEANING))).isEqualTo("miss");
        tenant = elsewhere;
        assertThat(cacheHeader(chat(token("alice"), "", SAME_MEANING))).isEqualTo("semantic-hit");
    }

    @Test
    void aStreamedQuestionIsAnsweredWithTheEventsOfAStreamedAnswerThatMeansTheSame() throws Exception {
        upstream.streamEvents("openai/chat-stream.events", Duration.ZERO);
        HttpResponse<String> first = send(chat(token("alice"), ",\"stream\":true", QUESTION));
        int calls = upstream.received().size();
        HttpResponse<String> second = send(chat(token("bob"), ",\"stream\":true", SAME_MEANING));

        assertThat(second.headers().firstValue("x-gatehouse-cache")).contains("semantic-hit");
        assertThat(second.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(dataLines(second.body())).isEqualTo(dataLines(first.body()));
        assertThat(upstream.received()).hasSize(calls);
        assertThat(cacheHeader(chat(token("bob"), "", SAME_MEANING))).isEqualTo("miss");
    }

    @Test
    void aPolicyThatMatchesExactlyDoesNotMatchByMeaning() throws Exception {
        // An exact policy stores the answers of requests that come again (cache.min_uses: 2).
        send(chat(token("alice", "exact"), "", QUESTION));
        send(chat(token("alice", "exact"), "", QUESTION));

        assertThat(cacheHeader(chat(token("alice", "exact"), "", SAME_MEANING))).isEqualTo("miss");
        assertThat(cacheHeader(chat(token("alice", "exact"), "", QUESTION))).isEqualTo("hit");
    }

    @Test
    void aPromptTooLongToEmbedIsMatchedExactly() throws Exception {
        String longQuestion = QUESTION + " " + "Please be thorough. ".repeat(250);
        send(chat(token("alice"), "", longQuestion));
        send(chat(token("alice"), "", longQuestion)); // stored as an exact policy's would be

        assertThat(cacheHeader(chat(token("alice"), "", SAME_MEANING + " " + "Please be thorough. ".repeat(250))))
                .isEqualTo("miss");
        assertThat(cacheHeader(chat(token("alice"), "", longQuestion))).isEqualTo("hit");
    }

    private static String metrics() throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/metrics"))
                        .build())
                .body();
    }

    private String token(String subject, String... groups) {
        return idp.sign(idp.claims(subject)
                .claim("org", tenant)
                .claim("groups", List.of(groups))
                .build());
    }

    private HttpRequest chat(String token, String extra, String question) {
        return chatRequest(
                node,
                token,
                "{\"model\":\"smart\"" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question
                        + "\"}]}");
    }
}
