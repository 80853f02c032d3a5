package io.gatehouse.providers.transport;

import java.nio.ByteBuffer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Receives one upstream response as it arrives. Methods are called one at a time, in order, from
 * the transport's threads: {@link #onHeaders}, then {@link #onContent} zero or more times, then
 * exactly one of {@link #onComplete} or {@link #onFailure} (which may also come first). They may
 * run on the thread that reads from the network, so they must never block: hand anything that
 * waits to another thread.
 */
public interface UpstreamListener {

    /** The status line and headers arrived. */
    void onHeaders(int status, Function<String, @Nullable String> headers);

    /**
     * A piece of the body. The buffer is valid only during this call. No more content arrives until
     * {@code demand} is run, which may happen later and from any thread.
     */
    void onContent(ByteBuffer content, Runnable demand);

    /** The whole body was received. */
    void onComplete();

    /** The exchange failed; nothing more follows. */
    void onFailure(UpstreamFailure failure);
}
