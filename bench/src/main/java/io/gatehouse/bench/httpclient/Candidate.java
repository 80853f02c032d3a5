package io.gatehouse.bench.httpclient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** One HTTP client under test, used as the gateway would: one shared instance, non-blocking calls. */
interface Candidate extends AutoCloseable {

    /** A short label for reports. */
    String name();

    /** POSTs {@code body} as JSON; completes with the length of the whole response body. */
    CompletableFuture<Integer> post(URI uri, byte[] body);

    /**
     * GETs an event stream, handing each body chunk to {@code chunks} as it arrives (the buffer is
     * valid only during the call); completes when the body ends.
     */
    CompletableFuture<Void> stream(URI uri, Consumer<ByteBuffer> chunks);

    @Override
    void close();

    /** Fails a call that did not get a 200. */
    static IllegalStateException badStatus(int status) {
        return new IllegalStateException("unexpected status " + status);
    }
}
