package io.gatehouse.node.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Encodes AWS event-stream messages ({@code application/vnd.amazon.eventstream}) with string
 * headers and correct CRCs, as Bedrock's ConverseStream sends them.
 */
public final class EventStreamFrames {
    private EventStreamFrames() {}

    /** An event such as {@code contentBlockDelta} with its JSON payload. */
    public static byte[] event(String eventType, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return frame(headers, json.getBytes(StandardCharsets.UTF_8));
    }

    /** An exception such as {@code throttlingException}, which ends the stream. */
    public static byte[] exception(String exceptionType, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "exception");
        return frame(headers, json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] frame(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            encoded.write(n.length);
            encoded.writeBytes(n);
            encoded.write(7); // string
            encoded.write(v.length >> 8);
            encoded.write(v.length & 0xff);
            encoded.writeBytes(v);
        });
        int total = 12 + encoded.size() + payload.length + 4;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(encoded.size());
        out.putInt((int) crc(out.array(), 8));
        out.put(encoded.toByteArray()).put(payload);
        out.putInt((int) crc(out.array(), total - 4));
        return out.array();
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
