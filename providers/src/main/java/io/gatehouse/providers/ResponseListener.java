package io.gatehouse.providers;

/**
 * Receives the outcome of a non-streaming call: exactly one of the two methods is called, once,
 * from a provider thread.
 */
public interface ResponseListener {

    /**
     * The call succeeded.
     *
     * @param json the response body in OpenAI's shape ({@code chat.completion} or the embeddings
     *     list)
     * @param usage the tokens the call used
     */
    void onResponse(byte[] json, Usage usage);

    /** The call failed with an error to send to the client. */
    void onError(ApiError error);
}
