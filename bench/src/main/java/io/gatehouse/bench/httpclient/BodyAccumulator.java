package io.gatehouse.bench.httpclient;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Collects a response body from chunks into one array, as a JSON parser would need it. */
final class BodyAccumulator {
    private byte[] bytes = new byte[2048];
    private int size;

    void add(ByteBuffer chunk) {
        int n = chunk.remaining();
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }
        chunk.get(chunk.position(), bytes, size, n);
        size += n;
    }

    int size() {
        return size;
    }
}
