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
 *     stores every answer; the default 2 stores only the answers of requests that come again
 */
public record CacheConfig(boolean enabled, Duration ttl, int maxEntryBytes, Duration lookupTimeout, int minUses) {
    public static final CacheConfig OFF =
            new CacheConfig(false, Duration.ofHours(1), 1 << 20, Duration.ofMillis(100), 2);

    public CacheConfig {
        requireNonNull(ttl, "ttl");
        requireNonNull(lookupTimeout, "lookupTimeout");
        if (minUses < 1) {
            throw new IllegalArgumentException("minUses: " + minUses + " (expected: >= 1)");
        }
    }
}
