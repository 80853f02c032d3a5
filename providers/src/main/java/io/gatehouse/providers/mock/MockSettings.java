package io.gatehouse.providers.mock;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the mock provider behaves. Immutable.
 *
 * @param latency delay before the answer (or the first stream chunk)
 * @param streamChunks how many content chunks a streamed answer is split into
 * @param chunkInterval delay between stream chunks
 * @param embeddingDimensions size of embedding vectors when the request does not say
 */
public record MockSettings(Duration latency, int streamChunks, Duration chunkInterval, int embeddingDimensions) {

    public static final MockSettings DEFAULT = new MockSettings(Duration.ZERO, 8, Duration.ofMillis(20), 256);

    public MockSettings {
        requireNonNull(latency, "latency");
        requireNonNull(chunkInterval, "chunkInterval");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency: " + latency + " (expected: >= 0)");
        }
        if (chunkInterval.isNegative()) {
            throw new IllegalArgumentException("chunkInterval: " + chunkInterval + " (expected: >= 0)");
        }
        if (streamChunks < 1 || streamChunks > 10_000) {
            throw new IllegalArgumentException("streamChunks: " + streamChunks + " (expected: 1..10000)");
        }
        if (embeddingDimensions < 1 || embeddingDimensions > 8192) {
            throw new IllegalArgumentException("embeddingDimensions: " + embeddingDimensions + " (expected: 1..8192)");
        }
    }
}
