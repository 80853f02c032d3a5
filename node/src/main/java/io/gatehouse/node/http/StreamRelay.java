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
 * <p>Provider callbacks arrive on provider threads, one at a time, and are encoded there; all
 * exchange state is touched only on the exchange's IO thread, to which every callback hops.
 */
final class StreamRelay implements StreamListener {
    private static final HttpString NO_PROXY_BUFFERING = HttpString.tryFromString("x-accel-buffering");

    private final HttpServerExchange exchange;
    private final ClientDialect.StreamEncoder encoder;
    private @Nullable StreamSinkChannel channel;
    private volatile @Nullable Call call;
    private boolean finished;

    /** Must be created on the exchange's IO thread. */
    StreamRelay(HttpServerExchange exchange) {
        this.exchange = requireNonNull(exchange, "exchange");
        this.encoder = Responses.dialect(exchange).stream();
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
        if (!frame.hasRemaining()) {
            next.run(); // nothing for this client in these chunks (a usage-only chunk, say)
            return;
        }
        exchange.getIoThread().execute(() -> {
            if (finished) {
                return;
            }
            begin();
            write(frame, next);
        });
    }

    @Override
    public void onComplete(Usage usage) {
        ByteBuffer frame = encoder.end(usage);
        exchange.getIoThread().execute(() -> {
            if (finished) {
                return;
            }
            exchange.putAttachment(Attachments.USAGE, usage);
            begin();
            finished = true;
            write(frame, this::end);
        });
    }

    @Override
    public void onError(ApiError error, Usage usage) {
        exchange.getIoThread().execute(() -> {
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
            write(encoder.error(error), this::end);
        });
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

    /** Writes and flushes {@code buffer}, then runs {@code then}; waits for the socket if it must. */
    private void write(ByteBuffer buffer, Runnable then) {
        StreamSinkChannel out = requireNonNull(channel, "channel");
        try {
            while (buffer.hasRemaining()) {
                if (out.write(buffer) == 0) {
                    resumeWhenWritable(out, buffer, then);
                    return;
                }
            }
            if (!out.flush()) {
                resumeWhenWritable(out, buffer, then);
                return;
            }
        } catch (IOException e) {
            clientGone();
            return;
        }
        then.run();
    }

    private void resumeWhenWritable(StreamSinkChannel out, ByteBuffer buffer, Runnable then) {
        out.getWriteSetter().set(ch -> {
            ch.suspendWrites();
            write(buffer, then);
        });
        out.resumeWrites();
    }

    private void end() {
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
