package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Stopping a node lets in-flight streams finish and turns readiness off. */
class GracefulShutdownTest {

    @Test
    void anInFlightStreamFinishesWhileTheNodeDrains() throws Exception {
        Node node = TestNodes.start("""
                providers:
                  - { name: mock, type: mock, stream_chunks: 10, chunk_interval: 100ms }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                """);
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> stream = http.sendAsync(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(250);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> node.stop(Duration.ofSeconds(10)));
        Thread.sleep(100);
        assertThat(node.isReady()).isFalse();

        HttpResponse<String> response = stream.get();
        stopping.get();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }
}
