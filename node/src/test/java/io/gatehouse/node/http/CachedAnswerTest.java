package io.gatehouse.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.Usage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedAnswerTest {
    private static final CachedAnswer STREAM = new CachedAnswer(
            true,
            new Usage(14, 7),
            List.of(bytes("{\"object\":\"chat.completion.chunk\",\"n\":1}"), bytes(""), bytes("{\"n\":3}")));

    @Test
    void anAnswerReadsBackAsItWasWritten() {
        CachedAnswer read = CachedAnswer.decode(STREAM.encode());

        assertThat(read).isNotNull();
        assertThat(read.stream()).isTrue();
        assertThat(read.usage()).isEqualTo(new Usage(14, 7));
        assertThat(read.parts()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(read.parts().get(i)).isEqualTo(STREAM.parts().get(i));
        }
    }

    @Test
    void bytesCutShortOrOfAnotherFormatAreNoAnswer() {
        byte[] encoded = STREAM.encode();

        for (int length = 0; length < encoded.length; length++) {
            assertThat(CachedAnswer.decode(Arrays.copyOf(encoded, length))).isNull();
        }
        byte[] otherFormat = encoded.clone();
        otherFormat[0] = 2;
        assertThat(CachedAnswer.decode(otherFormat)).isNull();
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        assertThat(CachedAnswer.decode(longer)).isNull();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
