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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server in the test JVM that speaks OpenAI's wire format from fixtures: chat
 * completions (whole or as server-sent events at a chosen pace), embeddings, and error responses.
 * Tests script what it answers and read what it received. Thread-safe.
 */
public final class FakeOpenAiUpstream implements AutoCloseable {

    /** A request the fake received. */
    public record Received(String method, String path, String query, Map<String, String> headers, String body) {}

    private final Undertow server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger streamsCompleted = new AtomicInteger();
    private volatile int status = 200;
    private volatile String body = Fixtures.text("openai/chat-completion.json");
    private volatile List<String> events = Fixtures.events("openai/chat-stream.events");
    private volatile Duration eventInterval = Duration.ZERO;
    private volatile Duration headerDelay = Duration.ZERO;
    private volatile int dropAfterEvents = -1;
    private volatile CountDownLatch clientGone = new CountDownLatch(1);

    public FakeOpenAiUpstream() {
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(16)
                .addHttpListener(0, "127.0.0.1", this::handle)
                .build();
        server.start();
    }

    /** The base URL to configure, such as {@code http://127.0.0.1:41234/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The server root, for URL layouts other than OpenAI's (Azure). */
    public String rootUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Answers every request with {@code status} and the fixture at {@code fixturePath}. */
    public FakeOpenAiUpstream respond(int status, String fixturePath) {
        this.status = status;
        this.body = Fixtures.text(fixturePath);
        return this;
    }

    /** Streams the fixture's events with {@code interval} between them. */
    public FakeOpenAiUpstream streamEvents(String fixturePath, Duration interval) {
        this.events = Fixtures.events(fixturePath);
        this.eventInterval = interval;
        return this;
    }

    /** Waits {@code delay} before sending the response status line. */
    public FakeOpenAiUpstream delayHeaders(Duration delay) {
        this.headerDelay = delay;
        return this;
    }

    /** Closes the connection abruptly after {@code count} stream events. */
    public FakeOpenAiUpstream dropConnectionAfter(int count) {
        this.dropAfterEvents = count;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received lastReceived() {
        return received.get(received.size() - 1);
    }

    /** Counted down when a client stops reading a stream before its end (a broken pipe). */
    public CountDownLatch clientGone() {
        return clientGone;
    }

    public int streamsCompleted() {
        return streamsCompleted.get();
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
        received.add(new Received(
                exchange.getRequestMethod().toString(),
                exchange.getRequestPath(),
                exchange.getQueryString(),
                headers,
                requestBody));
        sleep(headerDelay);
        boolean stream = requestBody.contains("\"stream\":true");
        if (status != 200 || !stream) {
            String answer = exchange.getRequestPath().endsWith("/embeddings") && status == 200
                    ? Fixtures.text("openai/embeddings.json")
                    : body;
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream");
        OutputStream out = exchange.getOutputStream();
        try {
            int sent = 0;
            for (String event : events) {
                if (sent == dropAfterEvents) {
                    exchange.getConnection().close();
                    return;
                }
                if (sent > 0) {
                    sleep(eventInterval);
                }
                out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                sent++;
            }
            out.close();
            streamsCompleted.incrementAndGet();
        } catch (IOException e) {
            clientGone.countDown();
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
