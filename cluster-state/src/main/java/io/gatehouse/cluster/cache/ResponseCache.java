package io.gatehouse.cluster.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Answers shared by the cluster, stored under keys the caller derives from what makes two requests
 * the same (so a key never carries a prompt). Values are opaque bytes to the cache. Thread-safe.
 */
public interface ResponseCache {

    /**
     * The answer stored under {@code key}, or an empty array when there is none, it has expired, or
     * it cannot be read (sealed under another key, say). Completes exceptionally only when the
     * cluster could not be asked.
     */
    CompletableFuture<byte[]> get(String key);

    /** Stores {@code answer} under {@code key} for {@code ttl}; fire and forget. */
    void put(String key, byte[] answer, Duration ttl);
}
