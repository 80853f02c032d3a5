package io.gatehouse.providers.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/** Builds AWS event-stream frames for tests, with correct CRCs (string headers only). */
final class EventStreamEncoder {
    private EventStreamEncoder() {}

    /** One frame with the given string headers (in map order) and payload. */
    static byte[] frame(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream encodedHeaders = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            encodedHeaders.write(n.length);
            encodedHeaders.writeBytes(n);
            encodedHeaders.write(7);
            encodedHeaders.write(v.length >> 8);
            encodedHeaders.write(v.length & 0xff);
            encodedHeaders.writeBytes(v);
        });
        return frame(encodedHeaders.toByteArray(), payload);
    }

    /** One frame with already encoded headers, for header types other than strings. */
    static byte[] frame(byte[] encodedHeaders, byte[] payload) {
        int total = 12 + encodedHeaders.length + payload.length + 4;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(encodedHeaders.length);
        out.putInt((int) crc(out.array(), 0, 8));
        out.put(encodedHeaders).put(payload);
        out.putInt((int) crc(out.array(), 0, total - 4));
        return out.array();
    }

    /** A Bedrock event frame: {@code :event-type}, JSON content type, message type {@code event}. */
    static byte[] event(String eventType, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return frame(headers, json.getBytes(StandardCharsets.UTF_8));
    }

    /** A Bedrock exception frame, such as {@code throttlingException}. */
    static byte[] exception(String exceptionType, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "exception");
        return frame(headers, json.getBytes(StandardCharsets.UTF_8));
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
