package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
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
        // The response (status and headers) arrives with the first event: the stream is in flight.
        HttpResponse<Stream<String>> stream = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> node.stop(Duration.ofSeconds(10)));
        await(node::isReady, false);

        HttpResponse<String> refused = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"late\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("\"code\":\"node_draining\"");
        assertThat(refused.headers().firstValue("x-request-id")).isPresent();

        List<String> events =
                stream.body().filter(line -> line.startsWith("data: ")).toList();
        stopping.get();
        assertThat(events).hasSizeGreaterThan(10).last().isEqualTo("data: [DONE]");
    }

    private static void await(BooleanSupplier condition, boolean expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (condition.getAsBoolean() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isEqualTo(expected);
    }
}
