package io.gatehouse.providers;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An upstream response body collected into one array, up to a limit. When the upstream announces
 * the body's length (up to {@value #MAX_UP_FRONT} bytes), the array is made that size at once, and a
 * body that fills it is handed on as it is, without a copy. A larger body grows its array as it
 * arrives, so an upstream that announces much and sends little holds little memory. Not
 * thread-safe: one response's callbacks run one at a time.
 */
final class BodyBuffer {
    private static final byte[] EMPTY = new byte[0];
    private static final int FIRST_CAPACITY = 1024;
    static final int MAX_UP_FRONT = 1 << 20;

    private final int limit;
    private byte[] bytes = EMPTY;
    private int size;
    private boolean overflowed;

    BodyBuffer(int limit) {
        this.limit = limit;
    }

    /**
     * Makes room for a body of the length in {@code contentLength} (the header's value), if it is a
     * length within the limit and {@value #MAX_UP_FRONT} bytes; anything else is ignored, and the
     * buffer grows as the body arrives.
     */
    void expect(@Nullable String contentLength) {
        if (contentLength == null || size > 0) {
            return;
        }
        long length;
        try {
            length = Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
            return;
        }
        if (length > 0 && length <= Math.min(limit, MAX_UP_FRONT)) {
            bytes = new byte[(int) length];
        }
    }

    /** Appends {@code content}; past the limit, drops it and every later piece, and remembers that. */
    void append(ByteBuffer content) {
        int length = content.remaining();
        if (overflowed || length > limit - size) {
            overflowed = true;
            content.position(content.limit());
            return;
        }
        if (length > bytes.length - size) {
            int grown = Math.max(size + length, Math.max(FIRST_CAPACITY, 2 * bytes.length));
            bytes = Arrays.copyOf(bytes, Math.min(limit, grown));
        }
        content.get(bytes, size, length);
        size += length;
    }

    /** The size of the array the body is collected in. */
    int capacity() {
        return bytes.length;
    }

    /** Whether some of the body was dropped for the limit. */
    boolean overflowed() {
        return overflowed;
    }

    /** The body received (up to the limit); the buffer's own array when the body filled it. */
    byte[] toByteArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
