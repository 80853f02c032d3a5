package io.gatehouse.node.testing;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server in the test JVM that speaks Gemini's wire format from fixtures, for both the
 * Gemini API's paths ({@code /v1beta/models/{model}:generateContent}) and Vertex AI's ({@code
 * /v1/projects/.../models/{model}:generateContent}): whole answers, server-sent event streams at a
 * chosen pace ({@code :streamGenerateContent?alt=sse}), {@code :batchEmbedContents}, and scripted
 * errors in Google's shape. Tests read what it received. Thread-safe.
 */
public final class FakeGeminiUpstream implements AutoCloseable {

    /** A request the fake received. */
    public record Received(String method, String path, String query, Map<String, String> headers, String body) {}

    private final Undertow server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = Fixtures.text("gemini/generate-content.json");
    private volatile List<String> events = Fixtures.events("gemini/stream.events");
    private volatile Duration eventInterval = Duration.ZERO;

    public FakeGeminiUpstream() {
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(8)
                .addHttpListener(0, "127.0.0.1", this::handle)
                .build();
        server.start();
    }

    /** The root to configure as {@code base_url}, such as {@code http://127.0.0.1:41234}. */
    public String rootUrl() {
        return "http://127.0.0.1:"
                + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Answers {@code :generateContent} (and, unless 200, every method) with {@code status} and a fixture. */
    public FakeGeminiUpstream respond(int status, String fixturePath) {
        this.status = status;
        this.body = Fixtures.text(fixturePath);
        return this;
    }

    /** Streams the fixture's events (one {@code GenerateContentResponse} a line) with {@code interval} between them. */
    public FakeGeminiUpstream streamEvents(String fixturePath, Duration interval) {
        this.events = Fixtures.events(fixturePath);
        this.eventInterval = interval;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received lastReceived() {
        return received.get(received.size() - 1);
    }

    private void handle(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this::handle);
            return;
        }
        exchange.startBlocking();
        String requestBody = new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString(), values.getFirst());
        }
        String path = exchange.getRequestPath();
        received.add(new Received(
                exchange.getRequestMethod().toString(), path, exchange.getQueryString(), headers, requestBody));
        String method = path.substring(path.lastIndexOf(':') + 1);
        if (status != 200) {
            json(exchange, status, body);
        } else if (method.equals("generateContent")) {
            json(exchange, 200, body);
        } else if (method.equals("batchEmbedContents")) {
            json(exchange, 200, Fixtures.text("gemini/batch-embed-contents.json"));
        } else if (method.equals("streamGenerateContent") && "alt=sse".equals(exchange.getQueryString())) {
            stream(exchange);
        } else {
            json(
                    exchange,
                    404,
                    "{\"error\":{\"code\":404,\"message\":\"Method not found.\",\"status\":\"NOT_FOUND\"}}");
        }
    }

    private static void json(HttpServerExchange exchange, int status, String answer) throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=UTF-8");
        exchange.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
        exchange.endExchange();
    }

    private void stream(HttpServerExchange exchange) throws IOException {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream");
        OutputStream out = exchange.getOutputStream();
        try {
            boolean first = true;
            for (String event : events) {
                if (!first) {
                    sleep(eventInterval);
                }
                first = false;
                // Google frames each event with CRLF line ends.
                out.write(("data: " + event + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void sleep(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
