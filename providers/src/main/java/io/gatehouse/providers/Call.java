package io.gatehouse.providers;

/** A call in progress to a provider. Thread-safe: {@link #cancel()} may be called from any thread. */
@FunctionalInterface
public interface Call {
    Call DONE = () -> {};

    /**
     * Stops the call: the upstream request is aborted and the listener receives nothing more. Safe to
     * call more than once, and after the call has ended.
     */
    void cancel();
}
