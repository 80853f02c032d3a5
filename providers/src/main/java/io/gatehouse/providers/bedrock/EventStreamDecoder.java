package io.gatehouse.providers.bedrock;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Incremental decoder of the AWS event-stream framing ({@code application/vnd.amazon.eventstream})
 * that Bedrock's streaming operations answer with. Each message is a 12-byte prelude (total length,
 * headers length, CRC32 of those eight bytes), the headers, the payload and a CRC32 of everything
 * before it; integers are big-endian. Input may be split anywhere. A wrong CRC, an impossible length
 * or a malformed header fails the stream: after one, nothing that follows can be trusted.
 *
 * <p>Not thread-safe: feed it from one thread at a time.
 */
final class EventStreamDecoder {
    /** The largest message the format allows (16 MiB of headers and payload). */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 16;

    private static final int PRELUDE_BYTES = 12;
    private static final int CRC_BYTES = 4;
    private static final int MAX_HEADERS_BYTES = 128 * 1024;

    private final int maxMessageBytes;
    private final byte[] prelude = new byte[PRELUDE_BYTES];
    private int preludeFilled;
    private byte[] message = new byte[0];
    private int messageFilled;
    private boolean failed;

    EventStreamDecoder() {
        this(MAX_MESSAGE_BYTES);
    }

    /**
     * @param maxMessageBytes the largest message accepted; a bigger one fails the stream instead of
     *     exhausting memory
     */
    EventStreamDecoder(int maxMessageBytes) {
        if (maxMessageBytes < PRELUDE_BYTES + CRC_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: >= 16)");
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Decodes the bytes available in {@code input} and hands each complete message to {@code
     * messages}.
     *
     * @throws IllegalStateException if the stream is corrupt (then every later call fails too)
     */
    void feed(ByteBuffer input, Consumer<EventStreamMessage> messages) {
        if (failed) {
            throw new IllegalStateException("event stream already failed");
        }
        try {
            while (input.hasRemaining()) {
                if (preludeFilled < PRELUDE_BYTES) {
                    int n = Math.min(PRELUDE_BYTES - preludeFilled, input.remaining());
                    input.get(prelude, preludeFilled, n);
                    preludeFilled += n;
                    if (preludeFilled == PRELUDE_BYTES) {
                        startMessage();
                    }
                    continue;
                }
                int n = Math.min(message.length - messageFilled, input.remaining());
                input.get(message, messageFilled, n);
                messageFilled += n;
                if (messageFilled == message.length) {
                    EventStreamMessage decoded = finishMessage();
                    preludeFilled = 0;
                    message = new byte[0];
                    messageFilled = 0;
                    messages.accept(decoded);
                }
            }
        } catch (IllegalStateException e) {
            failed = true;
            throw e;
        }
    }

    /** Whether no partial message is buffered (the stream may end cleanly here). */
    boolean atMessageBoundary() {
        return preludeFilled == 0;
    }

    private void startMessage() {
        ByteBuffer p = ByteBuffer.wrap(prelude).order(ByteOrder.BIG_ENDIAN);
        long totalLength = Integer.toUnsignedLong(p.getInt(0));
        long headersLength = Integer.toUnsignedLong(p.getInt(4));
        long preludeCrc = Integer.toUnsignedLong(p.getInt(8));
        long computed = crc(prelude, 0, 8);
        if (computed != preludeCrc) {
            throw new IllegalStateException("event stream prelude CRC " + Long.toHexString(preludeCrc) + " (expected: "
                    + Long.toHexString(computed) + ")");
        }
        if (totalLength < PRELUDE_BYTES + CRC_BYTES || totalLength > maxMessageBytes) {
            throw new IllegalStateException(
                    "event stream message length " + totalLength + " (expected: 16.." + maxMessageBytes + ")");
        }
        if (headersLength > totalLength - PRELUDE_BYTES - CRC_BYTES || headersLength > MAX_HEADERS_BYTES) {
            throw new IllegalStateException("event stream headers length " + headersLength + " (expected: 0.."
                    + Math.min(totalLength - PRELUDE_BYTES - CRC_BYTES, MAX_HEADERS_BYTES) + ")");
        }
        message = Arrays.copyOf(prelude, (int) totalLength);
        messageFilled = PRELUDE_BYTES;
    }

    private EventStreamMessage finishMessage() {
        int total = message.length;
        ByteBuffer m = ByteBuffer.wrap(message).order(ByteOrder.BIG_ENDIAN);
        long messageCrc = Integer.toUnsignedLong(m.getInt(total - CRC_BYTES));
        long computed = crc(message, 0, total - CRC_BYTES);
        if (computed != messageCrc) {
            throw new IllegalStateException("event stream message CRC " + Long.toHexString(messageCrc) + " (expected: "
                    + Long.toHexString(computed) + ")");
        }
        int headersLength = m.getInt(4);
        int payloadStart = PRELUDE_BYTES + headersLength;
        Map<String, Object> headers = headers(m.slice(PRELUDE_BYTES, headersLength));
        byte[] payload = Arrays.copyOfRange(message, payloadStart, total - CRC_BYTES);
        return new EventStreamMessage(headers, payload);
    }

    private static Map<String, Object> headers(ByteBuffer in) {
        Map<String, Object> headers = new LinkedHashMap<>();
        try {
            while (in.hasRemaining()) {
                int nameLength = Byte.toUnsignedInt(in.get());
                if (nameLength == 0) {
                    throw new IllegalStateException("event stream header with an empty name");
                }
                String name = utf8(in, nameLength);
                int type = Byte.toUnsignedInt(in.get());
                Object value = switch (type) {
                    case 0 -> Boolean.TRUE;
                    case 1 -> Boolean.FALSE;
                    case 2 -> in.get();
                    case 3 -> in.getShort();
                    case 4 -> in.getInt();
                    case 5 -> in.getLong();
                    case 6 -> {
                        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
                        in.get(bytes);
                        yield bytes;
                    }
                    case 7 -> utf8(in, Short.toUnsignedInt(in.getShort()));
                    case 8 -> Instant.ofEpochMilli(in.getLong());
                    case 9 -> new UUID(in.getLong(), in.getLong());
                    default ->
                        throw new IllegalStateException(
                                "event stream header '" + name + "' has value type " + type + " (expected: 0..9)");
                };
                headers.put(name, value);
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("event stream header runs past the headers section");
        }
        return headers;
    }

    private static String utf8(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer bytes = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("event stream header is not valid UTF-8");
        }
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
