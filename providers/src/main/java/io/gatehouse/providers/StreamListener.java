package io.gatehouse.providers;

import java.util.List;

/**
 * Receives a streamed chat completion. Calls come one at a time from provider threads: {@link
 * #onChunks} zero or more times, then exactly one of {@link #onComplete} or {@link #onError}.
 */
public interface StreamListener {

    /**
     * One or more {@code chat.completion.chunk} objects (JSON, without SSE framing) that arrived
     * together. Nothing more is delivered until {@code next} runs, so a slow client slows the
     * upstream instead of filling memory.
     */
    void onChunks(List<byte[]> chunks, Runnable next);

    /** The stream ended normally, having used {@code usage}. */
    void onComplete(Usage usage);

    /**
     * The stream failed. If chunks were already delivered, the client has seen a partial answer;
     * {@code usage} holds what was counted so far.
     */
    void onError(ApiError error, Usage usage);
}
