package io.gatehouse.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

class EventStreamDecoderTest {

    private static final byte[] DELTA = EventStreamEncoder.event(
            "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Bonjour\"},\"p\":\"abcdefghij\"}");
    private static final byte[] STOP = EventStreamEncoder.event("messageStop", "{\"stopReason\":\"end_turn\"}");

    @Test
    void decodesHeadersAndPayloadOfEachMessage() {
        List<EventStreamMessage> messages = decode(concat(DELTA, STOP));

        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).headers())
                .containsExactly(
                        Map.entry(":event-type", "contentBlockDelta"),
                        Map.entry(":content-type", "application/json"),
                        Map.entry(":message-type", "event"));
        assertThat(new String(messages.get(0).payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Bonjour\"},\"p\":\"abcdefghij\"}");
        assertThat(messages.get(1).stringHeader(":event-type")).isEqualTo("messageStop");
    }

    @Test
    void decodesTheSameMessagesWhateverTheInputIsSplitInto() {
        byte[] stream = concat(DELTA, STOP, DELTA);
        List<EventStreamMessage> whole = decode(stream);

        for (int size = 1; size <= 17; size++) {
            EventStreamDecoder decoder = new EventStreamDecoder();
            List<EventStreamMessage> out = new ArrayList<>();
            for (int i = 0; i < stream.length; i += size) {
                decoder.feed(ByteBuffer.wrap(stream, i, Math.min(size, stream.length - i)), out::add);
            }
            assertThat(out).as("pieces of %d bytes", size).hasSize(3);
            for (int m = 0; m < 3; m++) {
                assertThat(out.get(m).payload()).isEqualTo(whole.get(m).payload());
                assertThat(out.get(m).headers()).isEqualTo(whole.get(m).headers());
            }
            assertThat(decoder.atMessageBoundary()).isTrue();
        }
    }

    @Test
    void knowsWhenItHoldsAPartialMessage() {
        EventStreamDecoder decoder = new EventStreamDecoder();
        List<EventStreamMessage> out = new ArrayList<>();

        decoder.feed(ByteBuffer.wrap(DELTA, 0, 20), out::add);

        assertThat(out).isEmpty();
        assertThat(decoder.atMessageBoundary()).isFalse();
    }

    @Test
    void decodesEveryHeaderValueType() {
        UUID id = UUID.fromString("6f1c2b3a-0d4e-4f5a-9b8c-7d6e5f4a3b2c");
        ByteBuffer headers = ByteBuffer.allocate(256);
        header(headers, "t", 0);
        header(headers, "f", 1);
        header(headers, "b", 2).put((byte) -3);
        header(headers, "s", 3).putShort((short) 700);
        header(headers, "i", 4).putInt(70_000);
        header(headers, "l", 5).putLong(7_000_000_000L);
        header(headers, "y", 6).putShort((short) 2).put(new byte[] {1, 2});
        header(headers, "z", 7).putShort((short) 5).put("été".getBytes(StandardCharsets.UTF_8));
        header(headers, "d", 8).putLong(1_700_000_000_123L);
        header(headers, "u", 9).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        byte[] encoded = new byte[headers.position()];
        headers.flip().get(encoded);

        EventStreamMessage message =
                decode(EventStreamEncoder.frame(encoded, new byte[0])).get(0);

        assertThat(message.headers()).containsEntry("t", true).containsEntry("f", false);
        assertThat(message.headers().get("b")).isEqualTo((byte) -3);
        assertThat(message.headers().get("s")).isEqualTo((short) 700);
        assertThat(message.headers().get("i")).isEqualTo(70_000);
        assertThat(message.headers().get("l")).isEqualTo(7_000_000_000L);
        assertThat((byte[]) message.headers().get("y")).containsExactly(1, 2);
        assertThat(message.stringHeader("z")).isEqualTo("été");
        assertThat(message.headers().get("d")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(message.headers().get("u")).isEqualTo(id);
        assertThat(message.payload()).isEmpty();
    }

    @Test
    void agreesWithAwsOwnCodec() {
        // Byte and short headers are left out: that codec (1.0.1) writes their type but no value.
        UUID id = UUID.fromString("0b7e9a1c-5d2f-4e8a-a1b3-c4d5e6f70819");
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString("contentBlockDelta"));
        headers.put("flag", HeaderValue.fromBoolean(false));
        headers.put("int", HeaderValue.fromInteger(123_456));
        headers.put("long", HeaderValue.fromLong(-5L));
        headers.put("bytes", HeaderValue.fromByteArray(new byte[] {7, 8, 9}));
        headers.put("time", HeaderValue.fromTimestamp(Instant.ofEpochMilli(1_731_000_000_000L)));
        headers.put("uuid", HeaderValue.fromUuid(id));
        byte[] payload = "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hé\"}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer encoded = new Message(headers, payload).toByteBuffer();
        byte[] frame = new byte[encoded.remaining()];
        encoded.get(frame);

        EventStreamMessage message = decode(frame).get(0);

        assertThat(message.payload()).isEqualTo(payload);
        assertThat(message.headers())
                .containsEntry(":event-type", "contentBlockDelta")
                .containsEntry("flag", false)
                .containsEntry("int", 123_456)
                .containsEntry("long", -5L)
                .containsEntry("time", Instant.ofEpochMilli(1_731_000_000_000L))
                .containsEntry("uuid", id);
        assertThat((byte[]) message.headers().get("bytes")).containsExactly(7, 8, 9);
        // The test encoder writes what AWS's codec writes.
        Map<String, HeaderValue> stringHeaders = new LinkedHashMap<>();
        stringHeaders.put(":event-type", HeaderValue.fromString("messageStop"));
        stringHeaders.put(":content-type", HeaderValue.fromString("application/json"));
        stringHeaders.put(":message-type", HeaderValue.fromString("event"));
        assertThat(STOP)
                .isEqualTo(new Message(stringHeaders, "{\"stopReason\":\"end_turn\"}".getBytes(StandardCharsets.UTF_8))
                        .toByteBuffer()
                        .array());
    }

    @Test
    void aWrongMessageCrcFailsTheStream() {
        byte[] corrupt = DELTA.clone();
        corrupt[30] ^= 0x01; // one bit of the payload

        EventStreamDecoder decoder = new EventStreamDecoder();
        List<EventStreamMessage> out = new ArrayList<>();
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(corrupt), out::add))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("message CRC");
        assertThat(out).isEmpty();
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(STOP), out::add))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWrongPreludeCrcFailsBeforeTheLengthIsTrusted() {
        byte[] corrupt = DELTA.clone();
        corrupt[0] = 0x7f; // claims a 2 GB message

        assertThatThrownBy(() -> decode(corrupt))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("prelude CRC");
    }

    @Test
    void aMessageLargerThanTheLimitFailsTheStream() {
        EventStreamDecoder decoder = new EventStreamDecoder(32);

        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(DELTA), m -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("message length " + DELTA.length + " (expected: 16..32)");
    }

    @Test
    void aHeaderRunningPastItsSectionFailsTheStream() {
        byte[] headers = {5, 'a', 'b'}; // claims a five-byte name

        assertThatThrownBy(() -> decode(EventStreamEncoder.frame(headers, new byte[0])))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("past the headers section");
    }

    @Test
    void anUnknownHeaderTypeFailsTheStream() {
        byte[] headers = {1, 'x', 42};

        assertThatThrownBy(() -> decode(EventStreamEncoder.frame(headers, new byte[0])))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("value type 42 (expected: 0..9)");
    }

    private static ByteBuffer header(ByteBuffer out, String name, int type) {
        return out.put((byte) name.length())
                .put(name.getBytes(StandardCharsets.US_ASCII))
                .put((byte) type);
    }

    static List<EventStreamMessage> decode(byte[] stream) {
        List<EventStreamMessage> out = new ArrayList<>();
        new EventStreamDecoder().feed(ByteBuffer.wrap(stream), out::add);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
