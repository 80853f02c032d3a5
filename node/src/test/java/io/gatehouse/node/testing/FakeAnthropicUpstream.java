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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server in the test JVM that speaks Anthropic's Messages API from fixtures: {@code POST
 * /v1/messages} answered with a whole {@code message}, or with server-sent events (named events,
 * as Anthropic sends them) at a chosen pace, or with an error. Tests script what it answers and read
 * what it received. Thread-safe.
 */
public final class FakeAnthropicUpstream implements AutoCloseable {
    private final Undertow server;
    private final List<FakeOpenAiUpstream.Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = Fixtures.text("anthropic/message-text.json");
    private volatile List<String> events = events("anthropic/stream-text.sse");
    private volatile Duration eventInterval = Duration.ZERO;

    public FakeAnthropicUpstream() {
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(8)
                .addHttpListener(0, "127.0.0.1", this::handle)
                .build();
        server.start();
    }

    /** The base URL to configure, such as {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:"
                + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Answers every non-streaming request with {@code status} and the fixture at {@code fixturePath}. */
    public FakeAnthropicUpstream respond(int status, String fixturePath) {
        this.status = status;
        this.body = Fixtures.text(fixturePath);
        return this;
    }

    /** Answers streaming requests with the events of an SSE fixture, {@code interval} apart. */
    public FakeAnthropicUpstream streamEvents(String fixturePath, Duration interval) {
        this.events = events(fixturePath);
        this.eventInterval = interval;
        return this;
    }

    public List<FakeOpenAiUpstream.Received> received() {
        return List.copyOf(received);
    }

    public FakeOpenAiUpstream.Received lastReceived() {
        return received.get(received.size() - 1);
    }

    /** The events of an SSE fixture: blocks separated by a blank line, each sent as it is. */
    private static List<String> events(String fixturePath) {
        return Arrays.stream(Fixtures.text(fixturePath).split("\n\n"))
                .filter(event -> !event.isBlank())
                .map(event -> event.strip() + "\n\n")
                .toList();
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
        received.add(new FakeOpenAiUpstream.Received(
                exchange.getRequestMethod().toString(),
                exchange.getRequestPath(),
                exchange.getQueryString(),
                headers,
                requestBody));
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        if (!exchange.getRequestPath().equals("/v1/messages")) {
            exchange.setStatusCode(404);
            exchange.getOutputStream()
                    .write("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not found\"}}"
                            .getBytes(StandardCharsets.UTF_8));
            exchange.endExchange();
            return;
        }
        if (status != 200 || !requestBody.contains("\"stream\":true")) {
            exchange.setStatusCode(status);
            exchange.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        OutputStream out = exchange.getOutputStream();
        try {
            boolean first = true;
            for (String event : events) {
                if (!first && !eventInterval.isZero()) {
                    Thread.sleep(eventInterval);
                }
                first = false;
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        } catch (IOException e) {
            // the gateway went away
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
