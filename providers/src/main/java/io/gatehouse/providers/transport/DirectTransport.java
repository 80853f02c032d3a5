package io.gatehouse.providers.transport;

import io.gatehouse.providers.Call;
import org.jspecify.annotations.Nullable;

/**
 * A transport that may take a call on the calling thread's own event loop, so that the request, the
 * response and the client's answer are all handled by one thread with no hand-off between threads.
 * The node supplies one for its server's IO threads; {@link UpstreamClient} offers it every call
 * first and sends the calls it declines itself.
 */
public interface DirectTransport {

    /**
     * Sends {@code request} on the calling thread's event loop and returns the call, or returns null,
     * without side effects, when it cannot take this call (another thread, a scheme or host it does
     * not serve). Never calls the listener before returning.
     */
    @Nullable
    Call trySend(UpstreamRequest request, UpstreamListener listener);
}
