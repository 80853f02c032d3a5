package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.node.testing.TestIdentityProvider;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Policies deciding real requests from SSO users by their groups, and the policy dry-run. */
class PolicyRoutingTest {
    private static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    private static TestIdentityProvider idp;
    private static Node node;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdentityProvider();
        node = TestNodes.start(
                """
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: smart
                    deployments: [{ provider: mock, model: general-smart }]
                  - name: eng-smart
                    deployments: [{ provider: mock, model: eng-dedicated-smart }]
                  - name: fast
                    deployments: [{ provider: mock, model: general-fast }]
                auth:
                  jwt:
                    issuers:
                      - { issuer: %s, jwks_url: %s, audiences: [gatehouse], tenant: acme }
                policies:
                  - name: contractors-blocked
                    when: "'contractors' in principal.groups"
                    action: deny
                    message: Contractors may not use AI models; ask your manager for an exception.
                  - name: eng-premium
                    when: "'eng' in principal.groups"
                    allow_models: [smart, fast]
                    route: { smart: eng-smart }
                    limits: { rpm: 600, tpm: 200000, key: "principal.tenant + '/' + claims.sub" }
                  - name: interns-short-answers
                    when: "'interns' in principal.groups"
                    allow_models: [fast]
                    max_tokens: 3
                  - name: everyone
                    when: "true"
                    allow_models: [fast]
                """.formatted(idp.issuer(), idp.jwksUrl()), Map.of("GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (idp.jwksFetches() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
        idp.close();
    }

    private static HttpResponse<String> chat(List<String> groups, String model, String extra) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + idp.token("user-" + String.join("-", groups), groups))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"" + extra
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Summarise our quarterly plan\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void engineersAreRoutedToTheirOwnDeploymentOfSmart() throws Exception {
        HttpResponse<String> response = chat(List.of("eng"), "smart", "");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-gatehouse-policy")).contains("eng-premium");
        assertThat(response.headers().firstValue("x-gatehouse-model")).contains("eng-dedicated-smart");
    }

    @Test
    void othersMayNotUseSmartAndAreToldWhy() throws Exception {
        HttpResponse<String> response = chat(List.of("sales"), "smart", "");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-gatehouse-policy")).contains("everyone");
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("permission_error");
        assertThat(error.get("message").asText())
                .contains("'smart' is not allowed")
                .contains("fast");
        assertThat(chat(List.of("sales"), "fast", "").statusCode()).isEqualTo(200);
    }

    @Test
    void aDenyPolicyRefusesWithItsMessage() throws Exception {
        HttpResponse<String> response = chat(List.of("contractors", "eng"), "fast", "");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-gatehouse-policy")).contains("contractors-blocked");
        assertThat(response.body()).contains("Contractors may not use AI models; ask your manager for an exception.");
    }

    @Test
    void aMaxTokensCapShortensTheAnswer() throws Exception {
        HttpResponse<String> response = chat(List.of("interns"), "fast", ",\"max_tokens\":500");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void theModelListShowsEachCallerOnlyWhatTheyMayUse() throws Exception {
        assertThat(models(List.of("eng"))).containsExactly("smart", "fast");
        assertThat(models(List.of("sales"))).containsExactly("fast");
        assertThat(models(List.of("contractors"))).isEmpty();
    }

    private static List<String> models(List<String> groups) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/models"))
                        .header("Authorization", "Bearer " + idp.token("someone", groups))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        Json.MAPPER
                .readTree(response.body())
                .get("data")
                .forEach(m -> ids.add(m.get("id").asText()));
        return ids;
    }

    private static HttpResponse<String> evaluate(String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.adminPort() + "/admin/v1/policies/evaluate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDryRunShowsTheDecisionAndWhichPolicyMatched() throws Exception {
        HttpResponse<String> response = evaluate(ADMIN_TOKEN, """
                {"claims": {"sub": "alice", "tenant": "acme", "groups": ["eng"]},
                 "request": {"model": "smart", "endpoint": "chat"}}
                """);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = Json.MAPPER.readTree(response.body());
        assertThat(result.get("allowed").asBoolean()).isTrue();
        assertThat(result.get("policy").asText()).isEqualTo("eng-premium");
        assertThat(result.get("model").asText()).isEqualTo("eng-smart");
        assertThat(result.at("/limits/key").asText()).isEqualTo("acme/alice");
        assertThat(result.at("/trace/0/policy").asText()).isEqualTo("contractors-blocked");
        assertThat(result.at("/trace/0/matched").asBoolean()).isFalse();
        assertThat(result.at("/trace/1/matched").asBoolean()).isTrue();
    }

    @Test
    void theDryRunNeedsAnAdminApiRole() throws Exception {
        String body = "{\"claims\":{},\"request\":{\"model\":\"fast\"}}";

        assertThat(evaluate(null, body).statusCode()).isEqualTo(401);
        assertThat(evaluate("wrong-token-0123456789", body).statusCode()).isEqualTo(401);
        // A valid SSO token is not enough: it needs an admin API role.
        assertThat(evaluate(idp.token("alice", List.of("eng")), body).statusCode())
                .isEqualTo(403);
        String viewer = idp.sign(
                idp.claims("vera").claim("roles", List.of("gatehouse-viewer")).build());
        assertThat(evaluate(viewer, body).statusCode()).isEqualTo(200);
    }

    @Test
    void theDryRunRejectsAMalformedQuery() throws Exception {
        assertThat(evaluate(ADMIN_TOKEN, "{\"claims\":{}}").statusCode()).isEqualTo(400);
        assertThat(evaluate(ADMIN_TOKEN, "not json").statusCode()).isEqualTo(400);
    }
}
