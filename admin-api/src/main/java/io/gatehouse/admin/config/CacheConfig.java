package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The response cache (the {@code cache} key): whether answers are cached at all, and how long and
 * how large. Which requests share answers, and whether they are matched, is each policy's {@code
 * cache}. Immutable.
 *
 * @param enabled whether answers are looked up and stored; off when the key is absent
 * @param ttl how long a stored answer is served
 * @param maxEntryBytes the largest answer stored (the canonical answer's bytes); larger ones are
 *     relayed and not stored
 * @param lookupTimeout how long a request waits for a lookup before going on as a miss
 * @param minUses how many times a node must have seen a request before it stores the answer: 1
 *     stores every answer; the default 2 stores only the answers of requests that come again. A
 *     policy's semantic mode stores every answer to a prompt it can compare: such requests
 *     rarely come again word for word.
 * @param semantic how prompts that mean the same are matched, for policies whose mode is {@code
 *     semantic}
 */
public record CacheConfig(
        boolean enabled, Duration ttl, int maxEntryBytes, Duration lookupTimeout, int minUses, Semantic semantic) {
    public static final CacheConfig OFF =
            new CacheConfig(false, Duration.ofHours(1), 1 << 20, Duration.ofMillis(100), 2, Semantic.DEFAULT);

    public CacheConfig {
        requireNonNull(ttl, "ttl");
        requireNonNull(lookupTimeout, "lookupTimeout");
        requireNonNull(semantic, "semantic");
        if (minUses < 1) {
            throw new IllegalArgumentException("minUses: " + minUses + " (expected: >= 1)");
        }
    }

    /**
     * The semantic match (the {@code cache.semantic} key): a request whose last message means the
     * same as one answered before, after the same conversation and with the same parameters, gets
     * that answer. Immutable.
     *
     * @param threshold the least cosine similarity of two prompts' embeddings that counts as the
     *     same meaning, in (0, 1]
     * @param maxEntries how many prompts one scope (tenant or subject, model and parameters) keeps;
     *     the oldest go first
     */
    public record Semantic(double threshold, int maxEntries) {
        public static final Semantic DEFAULT = new Semantic(0.95, 256);

        public Semantic {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold: " + threshold + " (expected: (0, 1])");
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 1)");
            }
        }
    }
}
