package io.gatehouse.providers.gemini;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.EmbeddingTranslator;
import io.gatehouse.providers.StreamTranslator;
import java.time.Clock;

/**
 * Translation between the canonical (OpenAI) shape and Gemini's {@code generateContent} format,
 * shared by the Gemini API and Vertex AI; embeddings follow the Gemini API's {@code
 * batchEmbedContents}. Composes the translation pairs of this package. Stateless and thread-safe.
 */
public final class GeminiTranslator implements ChatTranslator, EmbeddingTranslator {
    private final Ids ids;
    private final Clock clock;

    public GeminiTranslator() {
        this(Ids.RANDOM, Clock.systemUTC());
    }

    GeminiTranslator(Ids ids, Clock clock) {
        this.ids = requireNonNull(ids, "ids");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public byte[] requestBody(ChatRequest request, String upstreamModel) {
        return GeminiToOpenAi.write(OpenAiToGemini.request(request));
    }

    @Override
    public Translated response(byte[] upstreamBody, ChatRequest request) {
        return GeminiToOpenAi.response(upstreamBody, request, ids, clock);
    }

    @Override
    public StreamTranslator stream(ChatRequest request) {
        return new GeminiStreamToOpenAi(request, ids, clock);
    }

    @Override
    public ApiError error(int status, byte[] upstreamBody, String provider) {
        return GeminiErrors.map(status, upstreamBody, provider);
    }

    @Override
    public byte[] requestBody(EmbeddingRequest request, String upstreamModel) {
        return GeminiEmbeddings.requestBody(request, upstreamModel);
    }

    @Override
    public Translated response(byte[] upstreamBody, EmbeddingRequest request) {
        return GeminiEmbeddings.response(upstreamBody, request);
    }
}
