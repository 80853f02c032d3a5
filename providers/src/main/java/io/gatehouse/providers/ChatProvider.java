package io.gatehouse.providers;

/**
 * A provider that serves chat completions, streaming and not. Implementations are thread-safe and
 * never block the caller: results arrive on the listener.
 */
public interface ChatProvider {

    /** The provider's configured name (as deployments reference it). */
    String name();

    /**
     * Starts a non-streaming chat completion.
     *
     * @param upstreamModel the provider's own model (or deployment) name
     */
    Call chat(ChatRequest request, String upstreamModel, ResponseListener listener);

    /** Starts a streaming chat completion. */
    Call streamChat(ChatRequest request, String upstreamModel, StreamListener listener);
}
