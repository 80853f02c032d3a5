package io.gatehouse.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.node.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Chat calls to a node with a bearer token, for the response cache's tests, and what the cache said. */
public final class CacheCalls {
    private static final HttpClient http = HttpClient.newHttpClient();

    private CacheCalls() {}

    /** A chat completion request with {@code body}, sent to {@code node} with {@code token}. */
    public static HttpRequest chatRequest(Node node, String token, String body) {
        return chat(node, body).header("Authorization", "Bearer " + token).build();
    }

    /** A chat completion request with {@code body}, sent to {@code node} without credentials. */
    public static HttpRequest chatRequest(Node node, String body) {
        return chat(node, body).build();
    }

    private static HttpRequest.Builder chat(Node node, String body) {
        return HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    public static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code x-gatehouse-cache} header of a successful answer to {@code request}. */
    public static String cacheHeader(HttpRequest request) throws Exception {
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("x-gatehouse-cache").orElse("(none)");
    }

    /** The {@code data:} lines of a stream of server-sent events. */
    public static List<String> dataLines(String body) {
        return body.lines().filter(line -> line.startsWith("data: ")).toList();
    }
}
