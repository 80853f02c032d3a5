package io.gatehouse.node.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.Flushable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events to a writer thread, as Logback's {@code AsyncAppender} does, without waking that
 * thread for every event. Logback's appender signals its worker on each event, which under a steady
 * stream of requests costs one thread wake-up per access log line: a system call on the request
 * thread and a context switch, on the request path. Here the writer, after writing a batch, lingers
 * for {@code lingerMillis} and then writes whatever arrived meanwhile; a request thread wakes it
 * only when it found nothing to write and went to sleep. Under load the writer wakes once per linger
 * period whatever the request rate; when idle it sleeps until the next event.
 *
 * <p>Like the appender it replaces, it never drops an event: when the queue is full, the logging
 * thread waits for room. Stopping it (the logger context's stop, at shutdown) writes every queued
 * event before it returns, for up to {@code maxFlushMillis}.
 *
 * <p>Set up in {@code logback.xml}; the appender-ref inside it names where events are written. An
 * appender-ref that buffers what it writes ({@link Flushable}) is flushed after every batch.
 */
public final class LingeringAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    private static final int BATCH = 512;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8192;
    private int lingerMillis = 5;
    private int maxFlushMillis = 2000;
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private Thread writer;
    /** Set by the writer just before it sleeps with nothing to write; a request thread then wakes it. */
    private volatile boolean sleeping;

    private volatile boolean running;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setLingerMillis(int lingerMillis) {
        this.lingerMillis = lingerMillis;
    }

    public void setMaxFlushMillis(int maxFlushMillis) {
        this.maxFlushMillis = maxFlushMillis;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 1 || lingerMillis < 0) {
            addError("queueSize must be at least 1 and lingerMillis at least 0");
            return;
        }
        if (!appenders.iteratorForAppenders().hasNext()) {
            addError("no appender-ref: nowhere to write events");
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        running = true;
        writer = new Thread(this::writeUntilStopped, "log-writer-" + getName());
        writer.setDaemon(true);
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The writer formats the event later, on its own thread, after this thread's state moved on.
        event.prepareForDeferredProcessing();
        if (!queue.offer(event)) {
            try {
                queue.put(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                addWarn("interrupted while waiting for room; event not logged");
                return;
            }
        }
        if (sleeping) {
            sleeping = false;
            LockSupport.unpark(writer);
        }
    }

    private void writeUntilStopped() {
        List<ILoggingEvent> batch = new ArrayList<>(BATCH);
        long lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        while (running) {
            if (queue.drainTo(batch, BATCH) == 0) {
                sleeping = true;
                // Checked after announcing the sleep: an event offered before it was seen here, one
                // offered after it sees the flag and wakes this thread.
                if (queue.isEmpty() && running) {
                    LockSupport.park(this);
                }
                sleeping = false;
                continue;
            }
            write(batch);
            if (batch.size() < BATCH && lingerNanos > 0) {
                LockSupport.parkNanos(this, lingerNanos);
            }
            batch.clear();
        }
    }

    /** Writes a batch, then flushes the appenders that buffer it (see {@link BufferedStdoutAppender}). */
    private void write(List<ILoggingEvent> batch) {
        for (ILoggingEvent event : batch) {
            try {
                appenders.appendLoopOnAppenders(event);
            } catch (RuntimeException e) {
                addError("could not write a log event", e);
            }
        }
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof Flushable buffered) {
                try {
                    buffered.flush();
                } catch (IOException | RuntimeException e) {
                    addError("could not flush written log events", e);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(maxFlushMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ILoggingEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (writer.isAlive()) {
            addWarn("writer still busy after " + maxFlushMillis + " ms; " + rest.size() + " events not written");
        } else {
            write(rest);
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
