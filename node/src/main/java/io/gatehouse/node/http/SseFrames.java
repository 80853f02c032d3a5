package io.gatehouse.node.http;

import io.gatehouse.providers.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes server-sent events. Event data here is always one line of JSON (serialised JSON has no raw
 * line breaks), so each event is one {@code data:} line.
 */
final class SseFrames {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {}

    /** Unnamed events, {@code data: <json>} each, as OpenAI streams them. */
    static ByteBuffer data(List<byte[]> payloads) {
        int size = 0;
        for (byte[] payload : payloads) {
            size += DATA.length + payload.length + END_OF_EVENT.length;
        }
        ByteBuffer frame = ByteBuffer.allocate(size);
        for (byte[] payload : payloads) {
            frame.put(DATA).put(payload).put(END_OF_EVENT);
        }
        return frame.flip();
    }

    /** Named events, {@code event: <name>} then {@code data: <json>}, as Anthropic streams them. */
    static ByteBuffer named(List<SseEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * events.size());
        for (SseEvent event : events) {
            out.writeBytes(EVENT);
            out.writeBytes(event.event().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            out.writeBytes(DATA);
            out.writeBytes(event.data().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(END_OF_EVENT);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }
}
