package io.gatehouse.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The durations of the {@code x-ratelimit-reset-*} headers and of refusal messages. */
class ResetDurationTest {
    @Test
    void durationsAreWrittenAsOpenAiWritesThem() {
        assertThat(AdmitHandler.duration(0)).isEqualTo("0ms");
        assertThat(AdmitHandler.duration(250)).isEqualTo("250ms");
        assertThat(AdmitHandler.duration(999)).isEqualTo("999ms");
        assertThat(AdmitHandler.duration(1000)).isEqualTo("1s");
        assertThat(AdmitHandler.duration(1500)).isEqualTo("1.5s");
        assertThat(AdmitHandler.duration(1250)).isEqualTo("1.25s");
        assertThat(AdmitHandler.duration(1005)).isEqualTo("1.005s");
        assertThat(AdmitHandler.duration(59_999)).isEqualTo("59.999s");
        assertThat(AdmitHandler.duration(60_000)).isEqualTo("1m0s");
        assertThat(AdmitHandler.duration(123_456)).isEqualTo("2m3s");
    }

    @Test
    void everySecondFractionReadsAsTheDecimalNumberOfSeconds() {
        for (long millis = 1000; millis < 60_000; millis++) {
            String expected =
                    String.format(Locale.ROOT, "%.3f", millis / 1000.0).replaceAll("\\.?0+$", "") + "s";
            assertThat(AdmitHandler.duration(millis)).as("%d ms", millis).isEqualTo(expected);
        }
    }
}
