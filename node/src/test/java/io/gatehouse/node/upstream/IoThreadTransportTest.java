package io.gatehouse.node.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.providers.Call;
import io.gatehouse.providers.transport.UpstreamFailure;
import io.gatehouse.providers.transport.UpstreamListener;
import io.gatehouse.providers.transport.UpstreamRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * The transport against a real HTTP server on loopback, driven from the IO threads of a real XNIO
 * worker, as the node's server drives it.
 */
class IoThreadTransportTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    private final List<String> upstreamPeers = new CopyOnWriteArrayList<>();
    private final List<String> upstreamBodies = new CopyOnWriteArrayList<>();
    private final Map<String, String> lastHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private HttpServer upstream;
    private XnioWorker worker;
    private IoThreadTransport transport;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/v1/answer", exchange -> answer(exchange, 200, "{\"id\":\"one\"}", false));
        upstream.createContext("/v1/close", exchange -> answer(exchange, 200, "{\"id\":\"last\"}", true));
        upstream.createContext("/v1/slow", exchange -> {
            sleep(2_000);
            answer(exchange, 200, "{}", false);
        });
        upstream.createContext("/v1/stream", exchange -> {
            record(exchange);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 1; i <= 3; i++) {
                    out.write(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    sleep(100);
                }
            }
        });
        upstream.createContext("/v1/stall", exchange -> {
            record(exchange);
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            sleep(3_000);
            out.close();
        });
        upstream.start();
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 2));
        transport = new IoThreadTransport(Duration.ofSeconds(2), 8, 16);
    }

    @AfterEach
    void stop() {
        transport.close();
        worker.shutdownNow();
        upstream.stop(0);
    }

    @Test
    void declinesCallsItCannotTakeOnTheCallingThread() throws Exception {
        Recorder listener = new Recorder();

        assertThat(transport.trySend(request("/v1/answer"), listener))
                .as("not on an IO thread")
                .isNull();
        assertThat(onIoThread(() -> transport.trySend(request(URI.create("https://127.0.0.1:1/v1")), listener)))
                .as("TLS stays with the shared client")
                .isNull();
        assertThat(onIoThread(() -> transport.trySend(request("/v1/answer"), listener)))
                .as("the first call to a host, whose address is looked up meanwhile")
                .isNull();
        assertThat(listener.events).isEmpty();
    }

    @Test
    void relaysAWholeAnswerAndSendsTheNextCallOverTheSameConnection() throws Exception {
        Recorder first = send(request("/v1/answer").withHeader("Authorization", "Bearer k"));
        assertThat(first.done.get(10, TimeUnit.SECONDS)).isEqualTo("complete");
        Recorder second = send(request("/v1/answer"));
        assertThat(second.done.get(10, TimeUnit.SECONDS)).isEqualTo("complete");

        assertThat(first.status).isEqualTo(200);
        assertThat(first.header.apply("content-type")).isEqualTo("application/json");
        assertThat(first.body()).isEqualTo("{\"id\":\"one\"}");
        assertThat(upstreamBodies).containsOnly("{\"ask\":true}");
        assertThat(lastHeaders)
                .containsEntry("Content-type", "application/json")
                .containsEntry("Host", "127.0.0.1:" + upstream.getAddress().getPort());
        assertThat(upstreamPeers).hasSize(2);
        assertThat(upstreamPeers.get(1)).as("kept alive").isEqualTo(upstreamPeers.get(0));
    }

    @Test
    void aConnectionTheUpstreamClosesIsNotUsedAgain() throws Exception {
        Recorder closing = send(request("/v1/close"));
        assertThat(closing.done.get(10, TimeUnit.SECONDS)).isEqualTo("complete");
        Recorder next = send(request("/v1/answer"));

        assertThat(next.done.get(10, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(next.body()).isEqualTo("{\"id\":\"one\"}");
        assertThat(upstreamPeers.get(1)).isNotEqualTo(upstreamPeers.get(0));
    }

    @Test
    void handsOverContentOnlyWhenTheListenerAsksForMore() throws Exception {
        Recorder stream = new Recorder();
        stream.holdDemand = true;
        send(request("/v1/stream"), stream);

        Thread.sleep(600); // the upstream has sent all three events by now
        assertThat(stream.chunks()).as("held until demanded").hasSize(1);
        while (!stream.done.isDone()) {
            Runnable demand = stream.pendingDemand.getAndSet(null);
            if (demand != null) {
                demand.run(); // from this thread, not the IO thread
            }
            Thread.sleep(10);
        }

        assertThat(stream.done.get()).isEqualTo("complete");
        assertThat(stream.body()).isEqualTo("data: 1\n\ndata: 2\n\ndata: 3\n\n");
    }

    @Test
    void anUpstreamSilentBeforeItsFirstByteTimesOut() throws Exception {
        Recorder slow = send(request("/v1/slow", Duration.ofMillis(300), LONG));

        assertThat(slow.done.get(10, TimeUnit.SECONDS)).isEqualTo("failed FIRST_BYTE_TIMEOUT");
        assertThat(slow.status).isZero();
    }

    @Test
    void anUpstreamThatStopsSendingMidwayTimesOut() throws Exception {
        Recorder stalled = send(request("/v1/stall", LONG, Duration.ofMillis(300)));

        assertThat(stalled.done.get(10, TimeUnit.SECONDS)).isEqualTo("failed IDLE_TIMEOUT");
        assertThat(stalled.status).isEqualTo(200);
        assertThat(stalled.body()).isEqualTo("data: 1\n\n");
    }

    @Test
    void anUpstreamThatIsNotListeningFailsToConnect() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Recorder refused = send(request(URI.create("http://127.0.0.1:" + closedPort + "/v1/answer")));

        assertThat(refused.done.get(10, TimeUnit.SECONDS)).isEqualTo("failed CONNECT_FAILED");
    }

    @Test
    void callsBeyondTheConnectionLimitWaitForAConnectionAndThenUseIt() throws Exception {
        transport.close();
        transport = new IoThreadTransport(Duration.ofSeconds(2), 2, 16); // one connection per IO thread
        List<Recorder> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(send(request("/v1/slow")));
        }

        for (Recorder call : calls) {
            assertThat(call.done.get(20, TimeUnit.SECONDS)).isEqualTo("complete");
        }
        assertThat(upstreamPeers).hasSize(3);
        assertThat(new java.util.HashSet<>(upstreamPeers))
                .as("one connection, used in turn")
                .hasSize(1);
    }

    @Test
    void aCallBeyondTheQueueFailsAtOnce() throws Exception {
        transport.close();
        transport = new IoThreadTransport(Duration.ofSeconds(2), 2, 1); // one connection, one waiting
        Recorder running = send(request("/v1/slow"));
        Recorder waiting = send(request("/v1/slow"));
        Recorder refused = send(request("/v1/slow"));

        assertThat(refused.done.get(1, TimeUnit.SECONDS)).isEqualTo("failed CONNECTION_LOST");
        assertThat(running.done.get(20, TimeUnit.SECONDS)).isEqualTo("complete");
        assertThat(waiting.done.get(20, TimeUnit.SECONDS)).isEqualTo("complete");
    }

    @Test
    void aCancelledCallIsNeverReportedToItsListener() throws Exception {
        Recorder cancelled = new Recorder();
        Call call = send(request("/v1/slow"), cancelled);

        call.cancel(); // from this thread, not the IO thread
        Thread.sleep(2_500); // past the upstream's answer

        assertThat(cancelled.events).isEmpty();
    }

    private Recorder send(UpstreamRequest request) throws Exception {
        Recorder listener = new Recorder();
        send(request, listener);
        return listener;
    }

    /** Sends on an IO thread, once the host's address is known (the transport declines until then). */
    private Call send(UpstreamRequest request, Recorder listener) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Call call = onIoThread(() -> transport.trySend(request, listener));
            if (call != null) {
                return call;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the transport never took " + request);
    }

    private <T> @Nullable T onIoThread(java.util.concurrent.Callable<@Nullable T> action) throws Exception {
        XnioIoThread thread = worker.getIoThread(0);
        CompletableFuture<@Nullable T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(action.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private UpstreamRequest request(String path) {
        return request(path, LONG, LONG);
    }

    private UpstreamRequest request(String path, Duration firstByte, Duration idle) {
        return request(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + path), firstByte, idle);
    }

    private static UpstreamRequest request(URI uri) {
        return request(uri, LONG, LONG);
    }

    private static UpstreamRequest request(URI uri, Duration firstByte, Duration idle) {
        return new UpstreamRequest(
                uri,
                Map.of("Content-Type", "application/json"),
                "{\"ask\":true}".getBytes(StandardCharsets.UTF_8),
                firstByte,
                idle);
    }

    private void answer(HttpExchange exchange, int status, String body, boolean close) throws IOException {
        record(exchange);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (close) {
            exchange.getResponseHeaders().add("Connection", "close");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void record(HttpExchange exchange) throws IOException {
        upstreamPeers.add(exchange.getRemoteAddress().toString());
        upstreamBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        exchange.getRequestHeaders().forEach((name, values) -> lastHeaders.put(name, values.get(0)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records what the transport reports, in order. */
    private static final class Recorder implements UpstreamListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<byte[]> content = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> done = new CompletableFuture<>();
        final AtomicReference<@Nullable Runnable> pendingDemand = new AtomicReference<>();
        volatile boolean holdDemand;
        volatile int status;
        volatile Function<String, @Nullable String> header = name -> null;

        @Override
        public void onHeaders(int status, Function<String, @Nullable String> headers) {
            events.add("headers");
            this.status = status;
            this.header = headers;
        }

        @Override
        public void onContent(ByteBuffer chunk, Runnable demand) {
            events.add("content");
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            content.add(bytes);
            if (holdDemand) {
                pendingDemand.set(demand);
            } else {
                demand.run();
            }
        }

        @Override
        public void onComplete() {
            events.add("complete");
            done.complete("complete");
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            events.add("failed");
            done.complete("failed " + failure.kind());
        }

        List<byte[]> chunks() {
            return content;
        }

        String body() {
            StringBuilder text = new StringBuilder();
            content.forEach(bytes -> text.append(new String(bytes, StandardCharsets.UTF_8)));
            return text.toString();
        }
    }
}
