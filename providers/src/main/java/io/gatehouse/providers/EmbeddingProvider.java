package io.gatehouse.providers;

/**
 * The optional embeddings capability of a provider. Thread-safe and non-blocking.
 */
public interface EmbeddingProvider {

    /** Starts an embeddings call; the listener receives OpenAI's embeddings list. */
    Call embed(EmbeddingRequest request, String upstreamModel, ResponseListener listener);
}
