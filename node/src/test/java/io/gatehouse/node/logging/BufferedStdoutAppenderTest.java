package io.gatehouse.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BufferedStdoutAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final Writes output = new Writes();

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void aBatchGoesOutInFewWritesOfWholeLinesWithoutWaitingForTheBufferToFill() throws Exception {
        Logger log = logger(new LingeringAsyncAppender(), appender());
        for (int i = 0; i < 200; i++) {
            log.info("line {} {}", i, "x".repeat(300));
        }

        awaitLines(200); // flushed after the batch: nothing stays in the buffer until it fills
        assertThat(output.lines()).first().asString().startsWith("line 0 ");
        assertThat(output.writes()).hasSizeLessThan(200 / 5);
        for (String write : output.writes()) {
            assertThat(write.getBytes(StandardCharsets.UTF_8))
                    .hasSizeLessThanOrEqualTo(BufferedStdoutAppender.BUFFER_BYTES);
            assertThat(write).startsWith("line ").endsWith("\n");
        }
    }

    @Test
    void aLineLongerThanTheBufferIsWrittenWholeOnItsOwn() throws Exception {
        BufferedStdoutAppender<ILoggingEvent> appender = appender();
        Logger log = logger(new LingeringAsyncAppender(), appender);
        String longLine = "y".repeat(3 * BufferedStdoutAppender.BUFFER_BYTES);
        log.info("short");
        log.info(longLine);
        log.info("short again");

        awaitLines(3);
        assertThat(output.lines()).containsExactly("short", longLine, "short again");
        assertThat(output.writes()).contains(longLine + "\n");
    }

    @Test
    void stoppingWritesWhatIsBufferedAndLeavesTheOutputOpen() {
        BufferedStdoutAppender<ILoggingEvent> appender = appender();
        Logger log = context.getLogger("direct");
        log.setAdditive(false);
        log.addAppender(appender);
        log.info("buffered");
        assertThat(output.writes()).isEmpty(); // nothing flushed it yet

        appender.stop();

        assertThat(output.lines()).containsExactly("buffered");
        assertThat(output.closed).isFalse();
    }

    private BufferedStdoutAppender<ILoggingEvent> appender() {
        context.setMDCAdapter(new LogbackMDCAdapter());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BufferedStdoutAppender<ILoggingEvent> appender = new BufferedStdoutAppender<>(output);
        appender.setContext(context);
        appender.setName("out");
        appender.setEncoder(encoder);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        return appender;
    }

    private Logger logger(LingeringAsyncAppender async, BufferedStdoutAppender<ILoggingEvent> out) {
        async.setContext(context);
        async.setName("async");
        async.setLingerMillis(5);
        async.addAppender(out);
        async.start();
        Logger logger = context.getLogger("test");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(async);
        return logger;
    }

    private void awaitLines(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (output.lines().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(output.lines()).hasSize(count);
    }

    /** Records each write call the appender makes, as the system calls it would be. */
    private static final class Writes extends OutputStream {
        private final List<String> writes = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed = true;
        }

        List<String> writes() {
            return writes;
        }

        List<String> lines() {
            return String.join("", writes).lines().toList();
        }
    }
}
