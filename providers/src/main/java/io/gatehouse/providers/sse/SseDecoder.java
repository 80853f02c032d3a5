package io.gatehouse.providers.sse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Incremental decoder of a {@code text/event-stream} body, following the WHATWG event-stream
 * format: lines end with LF, CRLF or CR; a blank line dispatches the event; lines starting with a
 * colon are comments; {@code id} and {@code retry} are ignored. Input may be split anywhere, even
 * inside a CRLF or a UTF-8 sequence.
 *
 * <p>Not thread-safe: feed it from one thread at a time.
 */
public final class SseDecoder {
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private @Nullable String eventName;
    private boolean hasData;
    private boolean lastWasCarriageReturn;
    private int eventBytes;

    /**
     * @param maxEventBytes the largest event accepted; a bigger one fails the stream instead of
     *     exhausting memory
     */
    public SseDecoder(int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
        }
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Decodes the bytes available in {@code input} and hands each complete event to {@code events}.
     *
     * @throws IllegalStateException if an event exceeds the size limit
     */
    public void feed(ByteBuffer input, Consumer<SseEvent> events) {
        while (input.hasRemaining()) {
            byte b = input.get();
            if (b == '\n') {
                if (lastWasCarriageReturn) {
                    lastWasCarriageReturn = false;
                    continue;
                }
                endLine(events);
            } else if (b == '\r') {
                lastWasCarriageReturn = true;
                endLine(events);
            } else {
                lastWasCarriageReturn = false;
                if (++eventBytes > maxEventBytes) {
                    throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
                }
                line.write(b);
            }
        }
    }

    private void endLine(Consumer<SseEvent> events) {
        if (line.size() == 0) {
            dispatch(events);
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = "";
        if (colon >= 0) {
            int start = colon + 1;
            if (start < text.length() && text.charAt(start) == ' ') {
                start++;
            }
            value = text.substring(start);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> eventName = value;
            default -> {
                // id, retry and unknown fields carry nothing the gateway uses
            }
        }
    }

    private void dispatch(Consumer<SseEvent> events) {
        if (hasData) {
            events.accept(new SseEvent(eventName == null ? "message" : eventName, data.toString()));
        }
        data.setLength(0);
        hasData = false;
        eventName = null;
        eventBytes = 0;
    }
}
