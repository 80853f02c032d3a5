package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Policy limits enforced on one node: requests, tokens and concurrency per key. */
class RateLimitTest {
    private static Node node;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        node = TestNodes.start("""
                providers:
                  - { name: mock, type: mock, stream_chunks: 4, chunk_interval: 300ms }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                  - name: quota-model
                    deployments: [{ provider: mock, model: quota-deployment, rpm: 2 }]
                policies:
                  - name: by-team
                    when: "has(request.metadata.team)"
                    limits: { rpm: 3, key: "request.metadata.team" }
                  - name: tokens
                    when: "request.metadata.kind == 'tokens'"
                    limits: { tpm: 100, key: "'shared'" }
                  - name: busy
                    when: "request.metadata.kind == 'busy'"
                    limits: { rpm: 100000, key: "'busy'" }
                  - name: one-at-a-time
                    when: "request.metadata.kind == 'serial'"
                    limits: { concurrent: 1, key: "'shared'" }
                  - name: unlimited
                    when: "true"
                """);
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
    }

    private static HttpRequest chat(String header, String value, String extra) {
        return HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("x-gatehouse-meta-" + header, value)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"demo\"" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsPerMinuteAreCountedPerKeyAndTheNextIsRefusedWith429() throws Exception {
        for (int i = 3; i > 0; i--) {
            HttpResponse<String> admitted = send(chat("team", "search", ""));
            assertThat(admitted.statusCode()).isEqualTo(200);
            assertThat(admitted.headers().firstValue("x-ratelimit-limit-requests"))
                    .contains("3");
            assertThat(admitted.headers().firstValue("x-ratelimit-remaining-requests"))
                    .contains(String.valueOf(i - 1));
        }

        HttpResponse<String> limited = send(chat("team", "search", ""));

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("\"type\":\"rate_limit_error\"").contains("requests per minute");
        // One request per 20 s refills; retry-after is the real refill time, rounded up.
        long retryMs =
                Long.parseLong(limited.headers().firstValue("retry-after-ms").orElseThrow());
        assertThat(retryMs).isBetween(15_000L, 20_000L);
        assertThat(limited.headers().firstValue("retry-after")).contains(String.valueOf((retryMs + 999) / 1000));
        assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("0");
        // Another key has its own budget.
        assertThat(send(chat("team", "billing", "")).statusCode()).isEqualTo(200);
    }

    @Test
    void tokensAreReservedAsEstimatedAndSettledWithActualUse() throws Exception {
        // "hi" costs 8 prompt tokens; reserving 8 + 40 leaves 52 of 100.
        HttpResponse<String> first = send(chat("kind", "tokens", ",\"max_tokens\":40"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).contains("52");

        // The answer used 8 + 4 tokens, so 36 came back: 88 - 48 = 40 left after the second.
        HttpResponse<String> second = send(chat("kind", "tokens", ",\"max_tokens\":40"));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(Long.parseLong(second.headers()
                        .firstValue("x-ratelimit-remaining-tokens")
                        .orElseThrow()))
                .isBetween(40L, 42L);

        HttpResponse<String> tooBig = send(chat("kind", "tokens", ",\"max_tokens\":90"));
        assertThat(tooBig.statusCode()).isEqualTo(429);
        assertThat(tooBig.body()).contains("tokens per minute");
    }

    @Test
    void aConcurrencySlotIsHeldForTheWholeStreamAndReleasedAfter() throws Exception {
        // The response begins with the first event, so once it is here the stream holds the slot.
        HttpResponse<java.util.stream.Stream<String>> stream =
                http.send(chat("kind", "serial", ",\"stream\":true"), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);

        HttpResponse<String> second = send(chat("kind", "serial", ""));
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).contains("in flight");

        assertThat(stream.body().filter(line -> line.startsWith("data: ")).toList())
                .last()
                .isEqualTo("data: [DONE]");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline) {
            status = send(chat("kind", "serial", "")).statusCode();
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    void requestsWithoutLimitsCarryNoRateLimitHeaders() throws Exception {
        HttpResponse<String> response = send(chat("other", "x", ""));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
    }

    @Test
    void theAdminApiListsTheClusterMembers() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/admin/v1/cluster"))
                        .build());

        // The test node has no admin token configured: the admin API is closed.
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void aBusyLimitIsCheckedAtItsOwnerOnceAndThenAnsweredFromTheNodesLease() throws Exception {
        double atOwner = rateChecks("owner");
        double fromLease = rateChecks("lease");

        for (int i = 0; i < 3; i++) {
            assertThat(send(chat("kind", "busy", "")).statusCode()).isEqualTo(200);
        }

        // The first borrowed a batch (1% of 100,000 on a cluster of one); the others were granted from it.
        assertThat(rateChecks("owner") - atOwner).isEqualTo(1.0);
        assertThat(rateChecks("lease") - fromLease).isEqualTo(2.0);
    }

    private static double rateChecks(String by) throws Exception {
        String metrics = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/metrics"))
                        .build())
                .body();
        Matcher line = Pattern.compile("gatehouse_limits_rate_checks_total\\{by=\"" + by + "\"[^}]*} (\\S+)")
                .matcher(metrics);
        assertThat(line.find())
                .as("gatehouse_limits_rate_checks_total{by=%s} in %s", by, metrics)
                .isTrue();
        return Double.parseDouble(line.group(1));
    }

    @Test
    void aDeploymentQuotaProtectsTheProviderForEveryCaller() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"quota-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();

        HttpResponse<String> first = send(request);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
        assertThat(send(request).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = send(request);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("quota of mock/quota-deployment");
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
    }
}
