package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.node.routing.Target;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.Call;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.StreamListener;
import io.gatehouse.providers.Usage;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * Relays one streamed chat completion to the client as server-sent events in the client's dialect
 * (OpenAI's chunks ending with {@code data: [DONE]}, or Anthropic's event sequence). Each batch of
 * events is written and flushed as soon as it arrives; the next is requested from the provider only
 * once the client has taken the previous one, so a slow client slows the upstream rather than
 * filling memory. A failure after the first event is sent as the dialect's error event, then the
 * stream ends. If the client goes away, the upstream call is cancelled.
 *
 * <p>Provider callbacks arrive on provider threads and are encoded there. The first events hop to
 * the exchange's IO thread, which sends the status and headers with them (by then it has finished
 * starting the call). Later events are written on the thread that delivers them, with no hand-off: the
 * provider delivers the next batch only after the previous one ran its demand callback. The end of
 * the stream and errors (which a timer may raise while a write waits for the socket) hop to the IO
 * thread. Every touch of the exchange's response holds the relay's monitor, never while asking the
 * provider for more, so whichever thread runs it has the response to itself.
 */
final class StreamRelay implements StreamListener {
    private static final HttpString NO_PROXY_BUFFERING = HttpString.tryFromString("x-accel-buffering");

    private final HttpServerExchange exchange;
    private final ClientDialect.StreamEncoder encoder;
    /** Collects the canonical chunks for the response cache, if the answer may be stored. */
    private final CacheStore.@Nullable Stream stored;
    /** Set on the IO thread with the first events; read by the threads that deliver later ones. */
    private volatile @Nullable StreamSinkChannel channel;

    private volatile @Nullable Call call;
    private volatile boolean finished;

    /** Must be created on the exchange's IO thread. */
    StreamRelay(HttpServerExchange exchange) {
        this.exchange = requireNonNull(exchange, "exchange");
        this.encoder = Responses.dialect(exchange).stream();
        CacheStore store = exchange.getAttachment(Attachments.CACHE_STORE);
        this.stored = store != null ? store.stream() : null;
    }

    /** Starts the upstream call. Must run on the exchange's IO thread. */
    void start(Target target, ChatRequest request) {
        Call started = target.provider().streamChat(request, target.upstreamModel(), this);
        call = started;
        Calls.cancelWhenExchangeEnds(exchange, started);
    }

    @Override
    public void onChunks(List<byte[]> chunks, Runnable next) {
        ByteBuffer frame;
        try {
            frame = encoder.chunks(chunks);
        } catch (ApiException e) {
            Call c = call;
            if (c != null) {
                c.cancel();
            }
            onError(e.error(), Usage.NONE);
            return;
        }
        if (stored != null) {
            stored.add(chunks);
        }
        if (!frame.hasRemaining()) {
            next.run(); // nothing for this client in these chunks (a usage-only chunk, say)
            return;
        }
        if (channel != null) {
            relay(frame, next); // the response has begun: write on this thread
        } else {
            exchange.getIoThread().execute(() -> relay(frame, next));
        }
    }

    @Override
    public void onComplete(Usage usage) {
        ByteBuffer frame = encoder.end(usage);
        if (stored != null) {
            stored.completed(usage); // before the client has the end, so that its next request finds it
        }
        exchange.getIoThread().execute(() -> {
            boolean written;
            synchronized (this) {
                if (finished) {
                    return;
                }
                exchange.putAttachment(Attachments.USAGE, usage);
                begin();
                finished = true;
                written = write(frame, this::end);
            }
            if (written) {
                end();
            }
        });
    }

    @Override
    public void onError(ApiError error, Usage usage) {
        exchange.getIoThread().execute(() -> {
            boolean written;
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
                exchange.putAttachment(Attachments.USAGE, usage);
                if (channel == null) {
                    // Nothing sent yet: the client still gets a proper status and error body.
                    Responses.error(exchange, error);
                    return;
                }
                exchange.putAttachment(Attachments.ERROR, error);
                written = write(encoder.error(error), this::end);
            }
            if (written) {
                end();
            }
        });
    }

    /** Writes a frame of events, then asks the provider for more. */
    private void relay(ByteBuffer frame, Runnable next) {
        boolean written;
        synchronized (this) {
            if (finished) {
                return;
            }
            begin();
            written = write(frame, next);
        }
        if (written) {
            next.run();
        }
    }

    /** Sends the status and headers with the first event. */
    private void begin() {
        if (channel != null) {
            return;
        }
        exchange.putAttachment(Attachments.FIRST_EVENT_NANOS, System.nanoTime());
        exchange.setStatusCode(200);
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .put(Headers.CACHE_CONTROL, "no-cache")
                .put(NO_PROXY_BUFFERING, "no");
        channel = exchange.getResponseChannel();
    }

    /**
     * Writes and flushes {@code buffer}. Returns true if it is written, for the caller to run {@code
     * then} once it has let go of the relay's monitor; else the socket's write listener finishes it
     * and runs {@code then} (false also when the client is gone). Call holding the monitor.
     */
    private boolean write(ByteBuffer buffer, Runnable then) {
        StreamSinkChannel out = requireNonNull(channel, "channel");
        try {
            while (buffer.hasRemaining()) {
                if (out.write(buffer) == 0) {
                    resumeWhenWritable(out, buffer, then);
                    return false;
                }
            }
            if (!out.flush()) {
                resumeWhenWritable(out, buffer, then);
                return false;
            }
        } catch (IOException e) {
            clientGone();
            return false;
        }
        return true;
    }

    private void resumeWhenWritable(StreamSinkChannel out, ByteBuffer buffer, Runnable then) {
        out.getWriteSetter().set(ch -> {
            boolean written;
            synchronized (this) {
                ch.suspendWrites();
                written = write(buffer, then);
            }
            if (written) {
                then.run();
            }
        });
        out.resumeWrites();
    }

    private synchronized void end() {
        StreamSinkChannel out = requireNonNull(channel, "channel");
        try {
            out.shutdownWrites();
            if (!out.flush()) {
                out.getWriteSetter().set(ch -> {
                    ch.suspendWrites();
                    end();
                });
                out.resumeWrites();
            }
        } catch (IOException e) {
            clientGone();
        }
    }

    private void clientGone() {
        finished = true;
        exchange.putAttachment(Attachments.CLIENT_GONE, true);
        Call c = call;
        if (c != null) {
            c.cancel();
        }
        IoUtils.safeClose(exchange.getConnection());
    }
}
