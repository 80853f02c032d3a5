package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Status codes, error bodies and headers of the data plane for requests no SDK would send. */
class HttpContractTest {
    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static Node node;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        node = TestNodes.start("""
                node:
                  name: contract-node
                  http_port: 0
                  admin_port: 0
                  max_request_bytes: 2048
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: demo
                    deployments: [{ provider: mock, model: mock-1 }]
                """);
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void malformedJsonIs400() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", "application/json", "{\"model\":");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.body())
                .startsWith("{\"error\":{\"message\":\"The request body is not valid JSON")
                .contains("\"type\":\"invalid_request_error\"")
                .doesNotContain("Exception")
                .doesNotContain("at io.");
    }

    @Test
    void missingMessagesIs400NamingTheField() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", "application/json", "{\"model\":\"demo\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"param\":\"messages\"");
    }

    @Test
    void wrongTypeIs400NamingTheField() throws Exception {
        HttpResponse<String> response = post(
                "/v1/chat/completions",
                "application/json",
                "{\"model\":\"demo\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"param\":\"stream\"");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", "text/plain", CHAT);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("\"code\":\"unsupported_media_type\"");
    }

    @Test
    void missingContentTypeIs415() throws Exception {
        assertThat(post("/v1/chat/completions", null, CHAT).statusCode()).isEqualTo(415);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(4096) + "\"}]}";

        HttpResponse<String> response = post("/v1/chat/completions", "application/json", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"code\":\"request_too_large\"");
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        String big = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(4096) + "\"}]}";
        // A publisher of unknown length makes the client send the body chunked, without Content-Length.
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build();

        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(413);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        HttpResponse<String> unknown = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/nothing-here"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongMethod = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"error\"");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).contains("\"code\":\"method_not_allowed\"");
    }

    @Test
    void echoesASaneRequestIdAndReplacesAnInsaneOne() throws Exception {
        HttpResponse<String> echoed = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/models"))
                        .header("x-request-id", "trace-123.abc")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> replaced = http.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/models"))
                        .header("x-request-id", "bad id with spaces\u00e9")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(echoed.headers().firstValue("x-request-id")).contains("trace-123.abc");
        assertThat(echoed.headers().firstValue("x-gatehouse-node")).contains("contract-node");
        assertThat(replaced.headers().firstValue("x-request-id"))
                .hasValueSatisfying(id -> assertThat(id).startsWith("req_").hasSize(36));
    }

    @Test
    void servesHttp2WithoutTls() throws Exception {
        HttpClient h2 =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection (h2c); the next ones use HTTP/2 frames.
        h2.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/models"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response = h2.send(
                HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("You said: hi");
    }

    @Test
    void healthOnBothPorts() throws Exception {
        for (int port : new int[] {node.httpPort(), node.adminPort()}) {
            for (String path : new String[] {"/livez", "/readyz"}) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("%s on %d", path, port).isEqualTo(200);
            }
        }
    }

    @Test
    void theAdminPortDoesNotServeTheDataPlane() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void metricsCountRequestsTokensAndTimeToFirstToken() throws Exception {
        post("/v1/chat/completions", "application/json", CHAT);
        post("/v1/chat/completions", "application/json", CHAT.replace("{\"model\"", "{\"stream\":true,\"model\""));
        post("/v1/chat/completions", "application/json", CHAT.replace("\"demo\"", "\"made-up-model\""));

        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();

        assertThat(metrics)
                .contains("gatehouse_requests_total{endpoint=\"chat\",model=\"demo\",node=\"contract-node\","
                        + "provider=\"mock\",status=\"200\"}")
                .contains("gatehouse_request_duration_seconds_bucket{endpoint=\"chat\",model=\"demo\"")
                .contains("gatehouse_time_to_first_token_seconds_count{model=\"demo\"")
                .contains(
                        "gatehouse_tokens_total{model=\"demo\",node=\"contract-node\",provider=\"mock\",type=\"prompt\"}")
                .contains("status=\"404\"")
                // A model the client invented never becomes a label value.
                .doesNotContain("made-up-model");
    }
}
