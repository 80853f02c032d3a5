package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as separate processes on loopback forming one cluster, one limit on one key, and a
 * client spreading three times the limit across all of them as fast as it can. The limit is a
 * token bucket refilling continuously, so over a test of T seconds it admits N plus N*T/60; the
 * figures (printed to this test's output) are checked against that, within 1% of N. And what a
 * node answers when the other members are frozen and no check can be answered in time.
 */
class ClusterLimitsIT {
    private static final int N = 600;
    private static final String PROMPT = "one two three four five six seven eight nine ten";

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() throws Exception {
        for (NodeProcess node : nodes) {
            node.close();
        }
    }

    private void startCluster(String limits) throws Exception {
        // Generous, so checks on this loaded 2-core machine never fall back to fail-open.
        startCluster(limits, "{ timeout: 10s, on_unavailable: closed }");
    }

    /** Three nodes with one policy of {@code limits} for every request, checked as {@code checks} says. */
    private void startCluster(String limits, String checks) throws Exception {
        List<Integer> ports = NodeProcess.freePorts(9);
        String members = "[\"127.0.0.1:" + ports.get(6) + "\", \"127.0.0.1:" + ports.get(7) + "\", \"127.0.0.1:"
                + ports.get(8) + "\"]";
        for (int i = 0; i < 3; i++) {
            String yaml = """
                    node: { name: node-%d, http_port: %d, admin_port: %d }
                    cluster: { name: limits-it-%d, port: %d, members: %s, expected_members: 3 }
                    providers:
                      - { name: mock, type: mock }
                    models:
                      - name: demo
                        deployments: [{ provider: mock }]
                    limits: %s
                    policies:
                      - name: everyone
                        when: "true"
                        limits: %s
                    """.formatted(
                    i, ports.get(2 * i), ports.get(2 * i + 1), ports.get(6), ports.get(6 + i), members, checks, limits);
            nodes.add(NodeProcess.start(dir, "node-" + i, yaml, ports.get(2 * i), ports.get(2 * i + 1)));
        }
        awaitMembers(3);
    }

    private void awaitMembers(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (nodes.get(0).log().split("joined; " + count + " member", -1).length > 1
                    || nodes.get(0).log().contains("(" + count + " member(s))")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("cluster did not form: " + nodes.get(0).log());
    }

    /** Outcome of a load run. */
    record Run(int admitted, int limited, int failed, long admittedTokens, double seconds) {}

    private Run load(int requests, int killAfter) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Semaphore inFlight = new Semaphore(24);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            if (i == killAfter) {
                nodes.get(2).kill();
            }
            int alive = killAfter >= 0 && i >= killAfter ? 2 : 3;
            NodeProcess node = nodes.get(i % alive);
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"max_tokens\":5,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}"))
                    .build();
            all.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        inFlight.release();
                        if (error != null) {
                            failed.incrementAndGet();
                        } else if (response.statusCode() == 200) {
                            admitted.incrementAndGet();
                            tokens.addAndGet(totalTokens(response.body()));
                        } else if (response.statusCode() == 429) {
                            limited.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .handle((v, e) -> null)
                .get(120, TimeUnit.SECONDS);
        return new Run(admitted.get(), limited.get(), failed.get(), tokens.get(), (System.nanoTime() - start) / 1e9);
    }

    private static long totalTokens(String body) {
        int at = body.indexOf("\"total_tokens\":");
        int end = at;
        while (Character.isDigit(body.charAt(end + 15))) {
            end++;
        }
        return Long.parseLong(body.substring(at + 15, end + 15));
    }

    /** Waits until {@code node}'s standard output holds {@code count} access log lines of chat requests. */
    private static void awaitAccessLines(NodeProcess node, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long lines = 0;
        while (System.nanoTime() < deadline) {
            lines = node.log()
                    .lines()
                    .filter(line -> line.startsWith("{") && line.contains("\"path\":\"/v1/chat/completions\""))
                    .count();
            if (lines == count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("access log lines of chat requests: " + lines + ", expected " + count);
    }

    private static long refill(long capacity, double seconds) {
        return (long) Math.ceil(capacity * seconds / 60.0);
    }

    @Test
    void threeNodesAdmitTheLimitOfRequestsPerMinuteAcrossTheCluster() throws Exception {
        startCluster("{ rpm: " + N + ", key: \"'global'\" }");

        Run run = load(3 * N, -1);

        long bound = N + refill(N, run.seconds());
        System.out.printf(
                "rpm limit %d: admitted %d, limited %d, failed %d in %.2f s; limit plus refill %d; deviation %+d (%.2f%% of N)%n",
                N,
                run.admitted(),
                run.limited(),
                run.failed(),
                run.seconds(),
                bound,
                run.admitted() - bound,
                100.0 * (run.admitted() - bound) / N);
        assertThat(run.failed()).isZero();
        assertThat((double) run.admitted()).isBetween(N - 0.01 * N, bound + 0.01 * N);
        // Node 0 answered every third request, admitted or limited: each has its access log line.
        awaitAccessLines(nodes.get(0), N);
    }

    @Test
    void threeNodesAdmitTheLimitOfTokensPerMinuteAcrossTheCluster() throws Exception {
        int tpm = 20_000;
        startCluster("{ tpm: " + tpm + ", key: \"'global'\" }");

        // Each request reserves its prompt plus max_tokens 5, and the mock answers exactly 5 tokens.
        Run run = load(3 * N, -1);

        long bound = tpm + refill(tpm, run.seconds());
        System.out.printf(
                "tpm limit %d: admitted %d requests using %d tokens, limited %d, failed %d in %.2f s; limit plus refill %d; deviation %+d tokens (%.2f%%)%n",
                tpm,
                run.admitted(),
                run.admittedTokens(),
                run.limited(),
                run.failed(),
                run.seconds(),
                bound,
                run.admittedTokens() - bound,
                100.0 * (run.admittedTokens() - bound) / tpm);
        assertThat(run.failed()).isZero();
        assertThat((double) run.admittedTokens()).isBetween(tpm - 0.01 * tpm, bound + 0.01 * tpm);
    }

    @Test
    void killingANodeDuringLoadLosesNoAdmittedCountAndTheLimitStillHolds() throws Exception {
        startCluster("{ rpm: " + N + ", key: \"'global'\" }");

        Run run = load(3 * N, N / 2);

        long bound = N + refill(N, run.seconds());
        System.out.printf(
                "rpm limit %d with node-2 killed after %d requests: admitted %d, limited %d, failed %d in %.2f s; limit plus refill %d%n",
                N, N / 2, run.admitted(), run.limited(), run.failed(), run.seconds(), bound);
        // Never more than the limit; after the loss, the two survivors enforce their share (2/3).
        assertThat((double) run.admitted()).isLessThanOrEqualTo(bound + 0.01 * N);
        assertThat(run.admitted()).isGreaterThanOrEqualTo(N * 2 / 3);
        assertThat(run.limited()).isPositive();
    }

    @Test
    void aCheckNotAnsweredInTimeIsRefusedWith503WhenLimitsAreClosed() throws Exception {
        startCluster("{ rpm: " + N + ", key: \"'global'\" }", "{ timeout: 300ms, on_unavailable: closed }");
        // With the other two frozen, no check can complete: the key's owner is frozen, or, if it is
        // node-0, the check waits for its backup on a frozen member.
        nodes.get(1).freeze();
        nodes.get(2).freeze();
        try {
            long start = System.nanoTime();
            HttpResponse<String> refused = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(nodes.get(0).baseUrl() + "/v1/chat/completions"))
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(20))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\","
                                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("\"code\":\"limits_unavailable\"");
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(nodes.get(0).metrics())
                    .contains("gatehouse_limits_unavailable_total{action=\"closed\",node=\"node-0\"} 1.0");
        } finally {
            nodes.get(1).thaw();
            nodes.get(2).thaw();
        }
    }
}
