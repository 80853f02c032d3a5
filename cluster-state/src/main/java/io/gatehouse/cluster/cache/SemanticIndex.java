package io.gatehouse.cluster.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The prompts whose answers the cluster has cached, as embeddings, per scope: which cached answer
 * was given to a prompt that means the same as a new one. A scope is a key the caller derives from
 * everything that must be equal for two requests to share an answer (tenant, model, parameters, the
 * conversation before the prompt), so that an answer never crosses scopes. Embeddings are opaque
 * vectors to the index, compared by cosine similarity. Thread-safe.
 */
public interface SemanticIndex {

    /**
     * The key of the answer to the prompt in {@code scope} nearest to {@code embedding}, if the two
     * are at least {@code threshold} alike (cosine similarity); an empty string when none is.
     * Completes exceptionally only when the cluster could not be asked.
     */
    CompletableFuture<String> nearest(String scope, float[] embedding, double threshold);

    /**
     * Adds a prompt's {@code embedding} to {@code scope}, naming the key its answer is stored under;
     * the scope keeps its newest {@code maxEntries} prompts and is dropped {@code ttl} after the last
     * one was added. Fire and forget.
     */
    void add(String scope, float[] embedding, String answerKey, int maxEntries, Duration ttl);
}
