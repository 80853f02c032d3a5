package io.gatehouse.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LingeringAsyncAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final Written written = new Written();

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void writesEveryEventInOrderAndTheRestWhenStopped() {
        Logger log = logger(queue(8192), linger(1000));
        for (int i = 0; i < 5000; i++) {
            log.info("line {}", i);
        }
        context.stop(); // the writer is lingering: stopping writes what is still queued
        assertThat(written.messages()).hasSize(5000);
        for (int i = 0; i < 5000; i++) {
            assertThat(written.messages().get(i)).isEqualTo("line " + i);
        }
    }

    @Test
    void aFullQueueMakesTheLoggerWaitInsteadOfDroppingEvents() throws Exception {
        written.delayMillis = 2;
        Logger log = logger(queue(4), linger(0));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    log.info("thread {} line {}", thread, i);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        context.stop();
        assertThat(written.messages()).hasSize(200);
    }

    @Test
    void underASteadyStreamTheWriterWakesOncePerLingerPeriodNotPerEvent() throws Exception {
        Logger log = logger(queue(8192), linger(300));
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            log.info("line {}", i);
            Thread.sleep(2);
        }
        long appendedWithin = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        context.stop();
        assertThat(written.messages()).hasSize(50);
        // The first event wakes the writer; everything after it arrives while the writer lingers and
        // is written together, so there are at most a few batches, not fifty.
        int batches = written.batches(100);
        assertThat(batches)
                .as("separate writes for 50 events appended within %d ms", appendedWithin)
                .isLessThanOrEqualTo(1 + (int) (appendedWithin / 300) + 1);
    }

    @Test
    void aWriterIdleForLongIsWokenByTheNextEvent() throws Exception {
        Logger log = logger(queue(16), linger(0));
        log.info("first");
        Thread.sleep(200); // the writer has written it and is asleep, with nothing to write
        log.info("second");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (written.messages().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(written.messages()).containsExactly("first", "second");
    }

    private static int queue(int size) {
        return size;
    }

    private static int linger(int millis) {
        return millis;
    }

    private Logger logger(int queueSize, int lingerMillis) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        written.setContext(context);
        written.setName("written");
        written.start();
        LingeringAsyncAppender appender = new LingeringAsyncAppender();
        appender.setContext(context);
        appender.setName("async");
        appender.setQueueSize(queueSize);
        appender.setLingerMillis(lingerMillis);
        appender.addAppender(written);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        Logger logger = context.getLogger("test");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }

    /** Records what reaches it and when. */
    private static final class Written extends AppenderBase<ILoggingEvent> {
        private final List<String> messages = new CopyOnWriteArrayList<>();
        private final List<Long> nanos = new CopyOnWriteArrayList<>();
        volatile long delayMillis;

        @Override
        protected void append(ILoggingEvent event) {
            nanos.add(System.nanoTime());
            messages.add(event.getFormattedMessage());
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        List<String> messages() {
            return messages;
        }

        /** Writes separated from the one before by more than {@code gapMillis}, plus the first. */
        int batches(long gapMillis) {
            int batches = nanos.isEmpty() ? 0 : 1;
            for (int i = 1; i < nanos.size(); i++) {
                if (nanos.get(i) - nanos.get(i - 1) > TimeUnit.MILLISECONDS.toNanos(gapMillis)) {
                    batches++;
                }
            }
            return batches;
        }
    }
}
