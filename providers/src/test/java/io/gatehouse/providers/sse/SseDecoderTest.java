package io.gatehouse.providers.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseDecoderTest {

    private static final String STREAM = "event: greeting\r\n"
            + "data: {\"text\":\"héllo 🦄\"}\r\n"
            + "\r\n"
            + ": a comment between events\n"
            + "data: first line\r"
            + "data: second line\r"
            + "\r"
            + "id: 7\n"
            + "retry: 1000\n"
            + "data: [DONE]\n"
            + "\n";

    private static final List<SseEvent> STREAM_EVENTS = List.of(
            new SseEvent("greeting", "{\"text\":\"héllo 🦄\"}"),
            new SseEvent("message", "first line\nsecond line"),
            new SseEvent("message", "[DONE]"));

    @Test
    void decodesEventsFromOneFeed() {
        assertThat(decode(bytes(STREAM))).isEqualTo(STREAM_EVENTS);
    }

    @Test
    void decodesTheSameEventsWhenTheInputIsSplitAtAnyBytePosition() {
        byte[] input = bytes(STREAM);
        for (int split = 0; split <= input.length; split++) {
            SseDecoder decoder = new SseDecoder(1024);
            List<SseEvent> events = new ArrayList<>();
            decoder.feed(ByteBuffer.wrap(input, 0, split), events::add);
            decoder.feed(ByteBuffer.wrap(input, split, input.length - split), events::add);

            assertThat(events).as("split at byte %d", split).isEqualTo(STREAM_EVENTS);
        }
    }

    @Test
    void decodesTheSameEventsWhenFedOneByteAtATime() {
        byte[] input = bytes(STREAM);
        SseDecoder decoder = new SseDecoder(1024);
        List<SseEvent> events = new ArrayList<>();
        for (byte b : input) {
            decoder.feed(ByteBuffer.wrap(new byte[] {b}), events::add);
        }

        assertThat(events).isEqualTo(STREAM_EVENTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void acceptsEveryLineEnding(String eol) {
        String stream = "data: a" + eol + "data: b" + eol + eol + "event: done" + eol + "data: c" + eol + eol;

        assertThat(decode(bytes(stream))).containsExactly(new SseEvent("message", "a\nb"), new SseEvent("done", "c"));
    }

    @Test
    void aCrLfSplitAcrossFeedsIsOneLineEndNotABlankLine() {
        SseDecoder decoder = new SseDecoder(1024);
        List<SseEvent> events = new ArrayList<>();

        decoder.feed(buffer("data: a\r"), events::add);
        decoder.feed(buffer("\ndata: b\r"), events::add);
        assertThat(events).isEmpty();

        decoder.feed(buffer("\n\r"), events::add);
        decoder.feed(buffer("\n"), events::add);
        assertThat(events).containsExactly(new SseEvent("message", "a\nb"));
    }

    @Test
    void ignoresComments() {
        String stream = ": keep-alive\n\n" + "data: a\n" + ":comment inside an event\n" + "data: b\n\n";

        assertThat(decode(bytes(stream))).containsExactly(new SseEvent("message", "a\nb"));
    }

    @Test
    void joinsMultipleDataLinesWithNewlines() {
        assertThat(decode(bytes("data: one\ndata: two\ndata: three\n\n")))
                .containsExactly(new SseEvent("message", "one\ntwo\nthree"));
    }

    @Test
    void removesOnlyOneSpaceAfterTheColon() {
        assertThat(decode(bytes("data:no space\n\ndata:  two spaces\n\n")))
                .containsExactly(new SseEvent("message", "no space"), new SseEvent("message", " two spaces"));
    }

    @Test
    void aDataFieldWithoutValueDispatchesAnEmptyEvent() {
        assertThat(decode(bytes("data\n\ndata:\n\n")))
                .containsExactly(new SseEvent("message", ""), new SseEvent("message", ""));
    }

    @Test
    void namesEventsAndResetsTheNameAfterEachEvent() {
        String stream = "event: error\ndata: boom\n\ndata: plain\n\n";

        assertThat(decode(bytes(stream)))
                .containsExactly(new SseEvent("error", "boom"), new SseEvent("message", "plain"));
    }

    @Test
    void doesNotDispatchEventsWithoutData() {
        String stream = "event: ping\n\n" + "id: 3\n\n" + "retry: 10\n\n" + "\n\n";

        assertThat(decode(bytes(stream))).isEmpty();
    }

    @Test
    void anEventWithoutDataDoesNotLeakItsNameIntoTheNextEvent() {
        assertThat(decode(bytes("event: ping\n\ndata: x\n\n"))).containsExactly(new SseEvent("message", "x"));
    }

    @Test
    void ignoresUnknownFields() {
        assertThat(decode(bytes("foo: bar\ndata: x\nbaz\n\n"))).containsExactly(new SseEvent("message", "x"));
    }

    @Test
    void doesNotDispatchAnEventThatIsNotTerminatedByABlankLine() {
        assertThat(decode(bytes("data: complete\n\ndata: incomplete\n")))
                .containsExactly(new SseEvent("message", "complete"));
    }

    @Test
    void acceptsAnEventOfExactlyTheSizeLimit() {
        String line = "data: " + "x".repeat(10);
        SseDecoder decoder = new SseDecoder(line.length());
        List<SseEvent> events = new ArrayList<>();

        decoder.feed(buffer(line + "\n\n"), events::add);

        assertThat(events).containsExactly(new SseEvent("message", "x".repeat(10)));
    }

    @Test
    void failsOnAnEventLargerThanTheLimit() {
        SseDecoder decoder = new SseDecoder(16);

        assertThatThrownBy(() -> decoder.feed(buffer("data: 0123456789\ndata: more\n\n"), event -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("16 bytes");
    }

    @Test
    void theSizeLimitAppliesToEachEventNotToTheWholeStream() {
        SseDecoder decoder = new SseDecoder(16);
        List<SseEvent> events = new ArrayList<>();

        for (int i = 0; i < 100; i++) {
            decoder.feed(buffer("data: event " + (i % 10) + "\n\n"), events::add);
        }

        assertThat(events).hasSize(100);
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> new SseDecoder(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEventBytes");
    }

    @Test
    void consumesTheWholeBuffer() {
        ByteBuffer input = buffer("data: a\n\ndata: b");

        new SseDecoder(1024).feed(input, event -> {});

        assertThat(input.hasRemaining()).isFalse();
    }

    private static List<SseEvent> decode(byte[] input) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1024).feed(ByteBuffer.wrap(Arrays.copyOf(input, input.length)), events::add);
        return events;
    }

    private static ByteBuffer buffer(String text) {
        return ByteBuffer.wrap(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
