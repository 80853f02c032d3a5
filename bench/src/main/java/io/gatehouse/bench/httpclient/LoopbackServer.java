package io.gatehouse.bench.httpclient;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * A loopback HTTP/1.1 stand-in for an OpenAI-compatible upstream: {@code POST /v1/chat/completions}
 * answers a fixed JSON body (at once, or after the delay set with {@link #delayMillis(int)}, which
 * stands for a provider's processing time), or, when the request asks for {@code "stream":true},
 * timed {@code data:} events as OpenAI streams them; {@code GET /v1/stream} sends timed events with
 * the count and interval taken from the query. Delays are timers on the I/O threads, so a delayed
 * answer holds a connection but no thread. Thread-safe.
 */
public final class LoopbackServer implements AutoCloseable {
    static final String CHAT_PATH = "/v1/chat/completions";
    static final String STREAM_PATH = "/v1/stream";

    /** Each stream event carries this key followed by the server's {@link System#nanoTime()} at write. */
    public static final String STAMP_KEY = "\"stamp\":";

    private static final byte[] STREAM_TRUE = "\"stream\":true".getBytes(StandardCharsets.US_ASCII);

    private final Undertow server;
    private final byte[] chatResponse;
    private final int chatStreamEvents;
    private volatile int chatStreamIntervalMillis;
    private final int port;
    private final LongAdder chatRequests = new LongAdder();
    private volatile long lastChatRequestNanos;
    private volatile int delayMillis;

    private LoopbackServer(Undertow server, byte[] chatResponse, int chatStreamEvents, int chatStreamIntervalMillis) {
        this.server = server;
        this.chatResponse = chatResponse;
        this.chatStreamEvents = chatStreamEvents;
        this.chatStreamIntervalMillis = chatStreamIntervalMillis;
        this.port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Starts the server on an ephemeral loopback port with two I/O threads. */
    static LoopbackServer start(byte[] chatResponse) {
        return start(chatResponse, 20, 10);
    }

    /**
     * Starts the server on an ephemeral loopback port with two I/O threads; a streamed chat request
     * gets {@code chatStreamEvents} events {@code chatStreamIntervalMillis} apart.
     */
    public static LoopbackServer start(byte[] chatResponse, int chatStreamEvents, int chatStreamIntervalMillis) {
        LoopbackServer[] self = new LoopbackServer[1];
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(2)
                .setWorkerThreads(2)
                .setHandler(Handlers.path()
                        .addExactPath(CHAT_PATH, exchange -> self[0].chat(exchange))
                        .addExactPath(STREAM_PATH, exchange -> self[0].stream(exchange)))
                .build();
        server.start();
        self[0] = new LoopbackServer(server, chatResponse, chatStreamEvents, chatStreamIntervalMillis);
        return self[0];
    }

    /** The OpenAI-style base URL, {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/v1");
    }

    public URI chatUri() {
        return URI.create("http://127.0.0.1:" + port + CHAT_PATH);
    }

    URI streamUri(int events, int intervalMillis) {
        return URI.create(
                "http://127.0.0.1:" + port + STREAM_PATH + "?events=" + events + "&intervalMs=" + intervalMillis);
    }

    public int chatResponseLength() {
        return chatResponse.length;
    }

    /** Sets the interval between the events of every later chat stream (0: back to back). */
    public void streamIntervalMillis(int millis) {
        if (millis < 0 || millis > 60_000) {
            throw new IllegalArgumentException("stream interval: " + millis + " ms (expected: 0..60000)");
        }
        chatStreamIntervalMillis = millis;
    }

    /**
     * Delays every later non-streamed chat answer by {@code millis} (0: answer at once); streamed
     * answers keep their own event interval.
     */
    public void delayMillis(int millis) {
        if (millis < 0 || millis > 60_000) {
            throw new IllegalArgumentException("delay: " + millis + " ms (expected: 0..60000)");
        }
        delayMillis = millis;
    }

    /** When the latest chat request arrived ({@link System#nanoTime}), its body not read yet. */
    public long lastChatRequestNanos() {
        return lastChatRequestNanos;
    }

    /** Chat requests received so far, streamed or not. */
    public long chatRequests() {
        return chatRequests.sum();
    }

    private void chat(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED).endExchange();
            return;
        }
        chatRequests.increment();
        lastChatRequestNanos = System.nanoTime();
        exchange.getRequestReceiver().receiveFullBytes((ex, requestBody) -> {
            if (contains(requestBody, STREAM_TRUE)) {
                streamEvents(ex, chatStreamEvents, chatStreamIntervalMillis);
                return;
            }
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            int delay = delayMillis;
            if (delay == 0) {
                ex.getResponseSender().send(ByteBuffer.wrap(chatResponse));
                return;
            }
            // Keep the exchange open after this handler returns; the timer answers on the I/O thread.
            ex.dispatch(
                    SameThreadExecutor.INSTANCE,
                    () -> ex.getIoThread()
                            .executeAfter(
                                    () -> ex.getResponseSender().send(ByteBuffer.wrap(chatResponse)),
                                    delay,
                                    TimeUnit.MILLISECONDS));
        });
    }

    /** Whether {@code body} contains {@code part}; a plain scan is enough for bench bodies. */
    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void stream(HttpServerExchange exchange) {
        streamEvents(exchange, intParam(exchange, "events", 20), intParam(exchange, "intervalMs", 10));
    }

    private static void streamEvents(HttpServerExchange exchange, int events, long intervalMillis) {
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/event-stream")
                .put(Headers.CACHE_CONTROL, "no-cache");
        // Keep the exchange open after this handler returns; the events end it.
        exchange.dispatch(
                SameThreadExecutor.INSTANCE, () -> new EventWriter(exchange, events, intervalMillis).scheduleNext());
    }

    private static int intParam(HttpServerExchange exchange, String name, int fallback) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? fallback : Integer.parseInt(values.getFirst());
    }

    /** Formats one chat-completion chunk stamped with {@code stampNanos}; the last adds {@code [DONE]}. */
    static byte[] event(long stampNanos, boolean last) {
        String data = "data: {" + STAMP_KEY + stampNanos
                + ",\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"model\":\"bench-model\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token\"},\"finish_reason\":null}]}\n\n";
        return (last ? data + "data: [DONE]\n\n" : data).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop();
    }

    /**
     * Writes the events of one stream from the exchange's I/O thread, flushing each as it is written.
     */
    private static final class EventWriter implements ChannelListener<StreamSinkChannel>, Runnable {
        private final HttpServerExchange exchange;
        private final XnioIoThread ioThread;
        private final StreamSinkChannel sink;
        private final int events;
        private final long intervalMillis;
        private int written;
        private ByteBuffer pending = ByteBuffer.allocate(0);

        EventWriter(HttpServerExchange exchange, int events, long intervalMillis) {
            this.exchange = exchange;
            this.ioThread = exchange.getIoThread();
            this.sink = exchange.getResponseChannel();
            this.events = events;
            this.intervalMillis = intervalMillis;
            sink.getWriteSetter().set(this);
        }

        void scheduleNext() {
            ioThread.executeAfter(this, intervalMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            written++;
            pending = ByteBuffer.wrap(event(System.nanoTime(), written == events));
            handleEvent(sink);
        }

        @Override
        public void handleEvent(StreamSinkChannel channel) {
            try {
                while (pending.hasRemaining()) {
                    if (channel.write(pending) == 0) {
                        channel.resumeWrites();
                        return;
                    }
                }
                if (!channel.flush()) {
                    channel.resumeWrites();
                    return;
                }
                channel.suspendWrites();
            } catch (IOException e) {
                IoUtils.safeClose(exchange.getConnection());
                return;
            }
            if (written < events) {
                scheduleNext();
            } else {
                exchange.endExchange();
            }
        }
    }
}
