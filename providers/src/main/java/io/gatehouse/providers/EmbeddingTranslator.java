package io.gatehouse.providers;

/**
 * The optional embeddings part of a provider family's translation. Stateless and thread-safe.
 */
public interface EmbeddingTranslator {

    /** The upstream request body for {@code request} sent to {@code upstreamModel}. */
    byte[] requestBody(EmbeddingRequest request, String upstreamModel);

    /** The upstream's response in OpenAI's embeddings list shape, with its usage. */
    ChatTranslator.Translated response(byte[] upstreamBody, EmbeddingRequest request);
}
