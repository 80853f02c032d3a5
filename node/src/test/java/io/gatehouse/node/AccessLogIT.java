package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.node.testing.NodeProcess;
import io.gatehouse.providers.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node as a separate process, as operators run it: once it has stopped on SIGTERM, its standard
 * output holds one access log line per request, the last ones included; with {@code
 * node.access_log: off} it holds none.
 */
class AccessLogIT {
    private static final int REQUESTS = 300;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private NodeProcess node;

    @AfterEach
    void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyRequestHasItsLineOnceTheNodeHasStopped() throws Exception {
        node = start("");
        Instant before = Instant.now();
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(chat("it-" + i)).isEqualTo(200);
        }
        node.close(); // SIGTERM right after the last answer, while its line may still be queued
        Instant stopped = Instant.now();

        List<JsonNode> lines = accessLines();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            expected.add("it-" + i);
        }
        // In the order the exchanges completed, which two IO threads may swap.
        assertThat(lines)
                .extracting(line -> line.get("request_id").asText())
                .containsExactlyInAnyOrderElementsOf(expected);
        JsonNode last = lines.stream()
                .filter(line -> line.get("request_id").asText().equals("it-" + (REQUESTS - 1)))
                .findFirst()
                .orElseThrow();
        assertThat(last.get("method").asText()).isEqualTo("POST");
        assertThat(last.get("path").asText()).isEqualTo("/v1/chat/completions");
        assertThat(last.get("status").asInt()).isEqualTo(200);
        assertThat(last.get("model").asText()).isEqualTo("demo");
        assertThat(last.get("provider").asText()).isEqualTo("mock");
        assertThat(last.get("prompt_tokens").asInt()).isPositive();
        // Stamped when the exchange completes, which may come just after the client has the answer.
        assertThat(Instant.parse(last.get("ts").asText())).isBetween(before, stopped);
    }

    @Test
    void offWritesNoLines() throws Exception {
        node = start("access_log: off");
        for (int i = 0; i < 20; i++) {
            assertThat(chat("off-" + i)).isEqualTo(200);
        }
        node.close();

        assertThat(accessLines()).isEmpty();
    }

    private NodeProcess start(String nodeSetting) throws Exception {
        List<Integer> ports = NodeProcess.freePorts(3);
        String yaml = """
                node: { name: access-log-it, http_port: %d, admin_port: %d, shutdown_grace: 5s, %s }
                cluster: { name: access-log-it-%d, bind_address: 127.0.0.1, port: %d }
                providers:
                  - { name: mock, type: mock, latency: 0ms }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                """.formatted(ports.get(0), ports.get(1), nodeSetting, System.nanoTime(), ports.get(2));
        return NodeProcess.start(dir, "node", yaml, ports.get(0), ports.get(1));
    }

    private int chat(String requestId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("x-request-id", requestId)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The node's access log lines: JSON objects (its application log lines are text). */
    private List<JsonNode> accessLines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : node.log().lines().filter(l -> l.startsWith("{")).toList()) {
            lines.add(Json.MAPPER.readTree(line));
        }
        return lines;
    }
}
