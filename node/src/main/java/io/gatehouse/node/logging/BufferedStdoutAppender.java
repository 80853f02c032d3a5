package io.gatehouse.node.logging;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes events to standard output through a buffer of its own, which reaches the output when it is
 * full or {@link #flush} is called: by the {@link LingeringAsyncAppender} feeding it, after each
 * batch. So about ten access log lines go out in one {@code write} system call instead of one each
 * (Logback's console appender writes through {@code System.out}, which flushes every line).
 *
 * <p>Lines stay whole: Logback writes each event to the buffer in one piece, and the buffer never
 * splits a piece, so every system call carries whole lines. It holds at most {@value #BUFFER_BYTES}
 * bytes, the size up to which Linux writes to a pipe atomically: when standard output and standard
 * error share a pipe, an application log line cannot land inside an access log line. Stopping the
 * appender flushes what is buffered and leaves standard output open.
 *
 * <p>Set up in {@code logback.xml} as the appender-ref of a {@link LingeringAsyncAppender}; on its own,
 * nothing would flush it until the buffer fills.
 */
public final class BufferedStdoutAppender<E> extends OutputStreamAppender<E> implements Flushable {
    /** {@code PIPE_BUF} on Linux. */
    static final int BUFFER_BYTES = 4096;

    private final OutputStream target;

    public BufferedStdoutAppender() {
        this(new FileOutputStream(FileDescriptor.out));
    }

    /** Writes to {@code target} instead of standard output; for tests. */
    BufferedStdoutAppender(OutputStream target) {
        this.target = target;
    }

    @Override
    public void start() {
        setImmediateFlush(false);
        setOutputStream(new BufferedOutputStream(target, BUFFER_BYTES));
        super.start();
    }

    @Override
    public void flush() throws IOException {
        streamWriteLock.lock();
        try {
            OutputStream out = getOutputStream();
            if (out != null) {
                out.flush();
            }
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Flushes instead of closing: standard output belongs to the process, not to this appender. */
    @Override
    protected void closeOutputStream() {
        try {
            flush();
        } catch (IOException e) {
            addError("could not flush standard output", e);
        }
    }
}
