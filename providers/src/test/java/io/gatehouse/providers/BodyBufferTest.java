package io.gatehouse.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyBufferTest {

    @Test
    void aBodyOfTheAnnouncedLengthIsHandedOnInTheArrayItFilled() {
        BodyBuffer body = new BodyBuffer(1024);
        body.expect("11");

        body.append(bytes("hello "));
        byte[] first = body.toByteArray(); // not full yet: a copy of what arrived
        body.append(bytes("world"));

        assertThat(first).asString(StandardCharsets.UTF_8).isEqualTo("hello ");
        assertThat(body.toByteArray()).asString(StandardCharsets.UTF_8).isEqualTo("hello world");
        assertThat(body.toByteArray()).isSameAs(body.toByteArray());
        assertThat(body.overflowed()).isFalse();
    }

    @Test
    void aLargeAnnouncedLengthIsNotAllocatedBeforeTheBodyArrives() {
        BodyBuffer body = new BodyBuffer(64 << 20);
        body.expect(String.valueOf(64 << 20));

        body.append(bytes("a little"));

        assertThat(body.capacity()).isLessThan(BodyBuffer.MAX_UP_FRONT);
        assertThat(body.toByteArray()).asString(StandardCharsets.UTF_8).isEqualTo("a little");
    }

    @Test
    void withoutALengthItGrowsAsTheBodyArrives() {
        BodyBuffer body = new BodyBuffer(1 << 20);
        body.expect(null);
        String chunk = "x".repeat(700);

        for (int i = 0; i < 5; i++) {
            body.append(bytes(chunk));
        }

        assertThat(body.toByteArray()).hasSize(3500);
        assertThat(body.capacity()).isLessThan(8192);
        assertThat(body.overflowed()).isFalse();
    }

    @Test
    void anUnreadableOrWrongLengthIsOnlyAHint() {
        BodyBuffer unreadable = new BodyBuffer(1024);
        unreadable.expect("twelve");
        unreadable.append(bytes("twelve bytes"));

        BodyBuffer tooShort = new BodyBuffer(1024);
        tooShort.expect(" 3 ");
        tooShort.append(bytes("more than three"));

        BodyBuffer beyondTheLimit = new BodyBuffer(8);
        beyondTheLimit.expect("9000000000");
        beyondTheLimit.append(bytes("short"));

        assertThat(unreadable.toByteArray()).asString(StandardCharsets.UTF_8).isEqualTo("twelve bytes");
        assertThat(tooShort.toByteArray()).asString(StandardCharsets.UTF_8).isEqualTo("more than three");
        assertThat(beyondTheLimit.toByteArray())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("short");
    }

    @Test
    void pastTheLimitTheRestIsDroppedAndTheOverflowRemembered() {
        BodyBuffer body = new BodyBuffer(10);
        ByteBuffer tooMuch = bytes("0123456");

        body.append(bytes("abcde"));
        body.append(tooMuch);
        body.append(bytes("f")); // would fit, but the body is already cut

        assertThat(body.overflowed()).isTrue();
        assertThat(tooMuch.hasRemaining()).as("the dropped piece is consumed").isFalse();
        assertThat(body.toByteArray()).asString(StandardCharsets.UTF_8).isEqualTo("abcde");
    }

    @Test
    void readsDirectBuffersToo() {
        BodyBuffer body = new BodyBuffer(64);
        ByteBuffer direct = ByteBuffer.allocateDirect(5)
                .put("hello".getBytes(StandardCharsets.UTF_8))
                .flip();

        body.append(direct);

        assertThat(body.toByteArray()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
