package io.gatehouse.node.logging;

import static java.util.Objects.requireNonNull;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where access log lines go: standard output, written by a thread of its own in batches, so that the
 * thread that ends a request never waits for the console.
 *
 * <p>A request thread copies its line's bytes into a buffer and wakes the writer only if the writer
 * sleeps with nothing to write. The writer takes the whole buffer (the request threads go on filling
 * a second one), writes it, then lingers for {@code linger} before it takes the next. Under steady
 * traffic it therefore wakes about once per linger period, whatever the request rate; when idle it
 * sleeps until the next line, which it writes at once. Each line costs its request thread one copy
 * and the writer a share of one system call: there is no event object per line and no formatting
 * on the writer ({@link #write} gets the finished line).
 *
 * <p>Each {@code write} system call carries whole lines and at most {@value #PIPE_BUF} bytes (Linux's
 * {@code PIPE_BUF}), so it is atomic on a pipe: when standard output and standard error share one,
 * an application log line cannot land inside an access log line. A longer line goes out alone.
 *
 * <p>No line is dropped: when the buffer is full, request threads wait for the writer. {@link
 * #close} writes every line handed over before it; a line handed over after it is written by its
 * caller. Lines that the output refuses (a closed standard output) are lost, and the first refusal
 * of a run is reported in the application log.
 */
public final class AccessLog implements AutoCloseable {
    /** The size up to which Linux writes to a pipe atomically. */
    static final int PIPE_BUF = 4096;

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final int BUFFER_BYTES = 1 << 20;
    private static final Duration LINGER = Duration.ofMillis(5);
    private static final Duration MAX_FLUSH = Duration.ofSeconds(2);
    private static final AccessLog OFF = new AccessLog();

    private final boolean on;
    private final OutputStream out;
    private final long lingerNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits here: for lines when idle, for the linger period after a batch. */
    private final Condition writerWaits = lock.newCondition();
    /** Request threads wait here while the buffer is full. */
    private final Condition roomFreed = lock.newCondition();

    private byte[] filling;
    private int filled;
    /** The buffer the writer wrote last, handed back to be filled next. */
    private byte[] spare;

    private boolean writerIdle;
    private boolean closed;
    private volatile boolean refusalReported;
    private final @Nullable Thread writer;

    private AccessLog() {
        this.on = false;
        this.out = OutputStream.nullOutputStream();
        this.lingerNanos = 0;
        this.filling = new byte[0];
        this.spare = new byte[0];
        this.writer = null;
    }

    AccessLog(OutputStream out, int bufferBytes, Duration linger) {
        this.on = true;
        this.out = requireNonNull(out, "out");
        this.lingerNanos = linger.toNanos();
        this.filling = new byte[bufferBytes];
        this.spare = new byte[bufferBytes];
        this.writer = Thread.ofPlatform().name("access-log-writer").daemon().start(this::writeUntilClosed);
    }

    /** Lines to standard output, through a buffer of 1 MiB, lingering 5 ms between batches. */
    public static AccessLog toStandardOutput() {
        return new AccessLog(new FileOutputStream(FileDescriptor.out), BUFFER_BYTES, LINGER);
    }

    /** An access log that writes nothing (the {@code node.access_log: off} setting). */
    public static AccessLog off() {
        return OFF;
    }

    /** Whether lines are written: false for {@link #off}, so that callers need not build them. */
    public boolean isOn() {
        return on;
    }

    /** Hands over one line, without its line break; waits only while the buffer is full. */
    public void write(String line) {
        if (!on) {
            return;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int size = bytes.length + 1;
        lock.lock();
        try {
            while (!closed && size <= filling.length && filled + size > filling.length) {
                writerWaits.signal(); // cut the writer's linger short: it is needed now
                roomFreed.awaitUninterruptibly();
            }
            if (closed || size > filling.length) {
                writeNow(bytes); // after close, or longer than the whole buffer
                return;
            }
            System.arraycopy(bytes, 0, filling, filled, bytes.length);
            filling[filled + bytes.length] = '\n';
            filled += size;
            if (writerIdle) {
                writerIdle = false;
                writerWaits.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeUntilClosed() {
        lock.lock();
        try {
            while (true) {
                while (filled == 0 && !closed) {
                    writerIdle = true;
                    writerWaits.awaitUninterruptibly();
                }
                writerIdle = false;
                if (filled == 0) {
                    return; // closed, and everything written
                }
                byte[] batch = filling;
                int length = filled;
                filling = spare;
                filled = 0;
                roomFreed.signalAll();
                lock.unlock();
                try {
                    writeWholeLines(batch, length);
                } finally {
                    lock.lock();
                }
                spare = batch;
                if (!closed && lingerNanos > 0 && !lock.hasWaiters(roomFreed)) {
                    linger();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets lines gather for the linger period, or less if a request thread needs room or the log is
     * closed. Interrupts are ignored: lines are written until {@link #close}.
     */
    private void linger() {
        try {
            writerWaits.awaitNanos(lingerNanos);
        } catch (InterruptedException e) {
            // nothing to stop early for
        }
    }

    /** Writes {@code batch[0, length)}, whole lines, in system calls of at most {@value #PIPE_BUF} bytes. */
    private void writeWholeLines(byte[] batch, int length) {
        int start = 0;
        while (start < length) {
            int end = length - start <= PIPE_BUF ? length : endOfLastLine(batch, start, start + PIPE_BUF);
            if (end == start) {
                end = endOfFirstLine(batch, start, length); // no line ends within PIPE_BUF: it goes out alone
            }
            try {
                out.write(batch, start, end - start);
            } catch (IOException e) {
                reportRefusal(e);
            }
            start = end;
        }
    }

    /** After the last line break in {@code bytes[from, to)}, or {@code from} if there is none. */
    private static int endOfLastLine(byte[] bytes, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return from;
    }

    /** After the first line break in {@code bytes[from, to)}, or {@code to} if there is none. */
    private static int endOfFirstLine(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return to;
    }

    /** Writes one line at once, in one system call; the caller holds the lock. */
    private void writeNow(byte[] bytes) {
        byte[] line = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, line, 0, bytes.length);
        line[bytes.length] = '\n';
        try {
            out.write(line);
        } catch (IOException e) {
            reportRefusal(e);
        }
    }

    private void reportRefusal(IOException e) {
        if (!refusalReported) {
            refusalReported = true;
            log.warn("access log: standard output refused lines, which are lost: {}", e.toString());
        }
    }

    /** Writes every line handed over so far, for up to 2 s, and stops the writer. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            writerWaits.signal();
            roomFreed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!writer.join(MAX_FLUSH)) {
                log.warn("access log: lines still being written after {} ms", MAX_FLUSH.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
