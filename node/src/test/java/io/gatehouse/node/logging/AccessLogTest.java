package io.gatehouse.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    private final Output out = new Output();
    private AccessLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void writesEveryLineInOrderAndTheRestWhenClosed() {
        log = new AccessLog(out, 1 << 20, Duration.ofSeconds(10));
        for (int i = 0; i < 5000; i++) {
            log.write("line " + i);
        }
        log.close(); // the writer is lingering: closing writes what is still buffered
        List<String> lines = out.lines();
        assertThat(lines).hasSize(5000);
        for (int i = 0; i < 5000; i++) {
            assertThat(lines.get(i)).isEqualTo("line " + i);
        }
    }

    @Test
    void eachWriteHoldsWholeLinesAndAtMostPipeBufBytes() {
        log = new AccessLog(out, 1 << 20, Duration.ofSeconds(10));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String line = i + ":" + "x".repeat((i * 37) % 600);
            expected.add(line);
            log.write(line);
        }
        log.close();
        assertThat(out.lines()).isEqualTo(expected);
        assertThat(out.writes()).hasSizeGreaterThan(1).allSatisfy(write -> {
            assertThat(write.length).isLessThanOrEqualTo(AccessLog.PIPE_BUF);
            assertThat(write[write.length - 1]).isEqualTo((byte) '\n');
        });
    }

    @Test
    void aLineLongerThanPipeBufGoesOutAlone() {
        log = new AccessLog(out, 1 << 20, Duration.ofSeconds(10));
        String longLine = "y".repeat(10_000);
        log.write("before");
        log.write(longLine);
        log.write("after");
        log.close();
        assertThat(out.lines()).containsExactly("before", longLine, "after");
        assertThat(out.writes())
                .extracting(write -> new String(write, StandardCharsets.UTF_8))
                .containsExactly("before\n", longLine + "\n", "after\n");
    }

    @Test
    void aLineLongerThanTheWholeBufferIsWrittenWhole() {
        log = new AccessLog(out, 1024, Duration.ZERO);
        String longLine = "z".repeat(5000);
        log.write(longLine);
        log.close();
        assertThat(out.lines()).containsExactly(longLine);
    }

    @Test
    void aFullBufferMakesTheWritingThreadsWaitAndLosesNothing() throws Exception {
        out.delayMillis = 2;
        log = new AccessLog(out, 256, Duration.ZERO);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    log.write("thread " + thread + " line " + i);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        log.close();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(200);
        for (int t = 0; t < 4; t++) {
            String prefix = "thread " + t + " ";
            assertThat(lines.stream().filter(l -> l.startsWith(prefix)))
                    .containsExactlyElementsOf(IntStream.range(0, 50)
                            .mapToObj(i -> prefix + "line " + i)
                            .toList());
        }
    }

    @Test
    void underASteadyStreamTheWriterWritesOncePerLingerPeriodNotPerLine() throws Exception {
        log = new AccessLog(out, 1 << 20, Duration.ofMillis(300));
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            log.write("line " + i);
            Thread.sleep(2);
        }
        long writtenWithin = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        log.close();
        assertThat(out.lines()).hasSize(50);
        // The first line wakes the writer, which writes it at once; the lines after it arrive while
        // the writer lingers and go out together: a few writes, not fifty.
        assertThat(out.writes())
                .as("writes for 50 lines handed over within %d ms", writtenWithin)
                .hasSizeLessThanOrEqualTo(1 + (int) (writtenWithin / 300) + 1);
    }

    @Test
    void aWriterIdleForLongIsWokenByTheNextLine() throws Exception {
        log = new AccessLog(out, 1 << 20, Duration.ZERO);
        log.write("first");
        awaitUpTo5s(() -> out.lines().size() == 1);
        Thread.sleep(200); // the writer is asleep, with nothing to write
        log.write("second");
        awaitUpTo5s(() -> out.lines().size() == 2);
        assertThat(out.lines()).containsExactly("first", "second");
    }

    @Test
    void aLineHandedOverAfterCloseIsWrittenByItsCaller() {
        log = new AccessLog(out, 1 << 20, Duration.ofMillis(5));
        log.write("before");
        log.close();
        log.write("after");
        assertThat(out.lines()).containsExactly("before", "after");
    }

    @Test
    void linesAreUtf8() {
        log = new AccessLog(out, 1 << 20, Duration.ZERO);
        log.write("{\"principal\":\"zoë 🦄\"}");
        log.close();
        assertThat(out.lines()).containsExactly("{\"principal\":\"zoë 🦄\"}");
    }

    @Test
    void anOutputThatRefusesLinesLosesThemButNotTheLinesAfter() throws Exception {
        out.refusals.set(1);
        log = new AccessLog(out, 1 << 20, Duration.ZERO);
        log.write("refused");
        awaitUpTo5s(() -> out.refusals.get() == 0);
        log.write("written");
        log.close();
        assertThat(out.lines()).containsExactly("written");
    }

    @Test
    void offWritesNothing() {
        AccessLog off = AccessLog.off();
        off.write("line");
        off.close();
        assertThat(off.isOn()).isFalse();
        log = new AccessLog(out, 1024, Duration.ZERO);
        assertThat(log.isOn()).isTrue();
        assertThat(out.writes()).isEmpty();
    }

    private static void awaitUpTo5s(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as("reached within 5 s").isTrue();
    }

    /** Records each write call's bytes; can be slow, or refuse a number of writes. */
    private static final class Output extends OutputStream {
        private final List<byte[]> writes = new CopyOnWriteArrayList<>();
        final AtomicInteger refusals = new AtomicInteger();
        volatile long delayMillis;

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("Broken pipe");
            }
            writes.add(Arrays.copyOfRange(bytes, offset, offset + length));
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException("the access log writes arrays");
        }

        List<byte[]> writes() {
            return writes;
        }

        List<String> lines() {
            StringBuilder text = new StringBuilder();
            for (byte[] write : writes) {
                text.append(new String(write, StandardCharsets.UTF_8));
            }
            if (text.isEmpty()) {
                return List.of();
            }
            assertThat(text).endsWith("\n");
            return List.of(text.substring(0, text.length() - 1).split("\n", -1));
        }
    }
}
