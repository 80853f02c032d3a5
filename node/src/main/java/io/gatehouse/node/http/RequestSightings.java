package io.gatehouse.node.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many times this node has seen each recent request, by its cache key, so that only the answers
 * of requests that come again are stored ({@code cache.min_uses}): storing costs far more than a
 * lookup, and most requests to a model never come again. Remembers at most {@value #MAX_REQUESTS}
 * requests, by the first 64 bits of their key's digest, and starts over when full. Thread-safe.
 */
final class RequestSightings {
    static final int MAX_REQUESTS = 100_000;

    private final ConcurrentHashMap<Long, Integer> seen = new ConcurrentHashMap<>();

    /** Counts one sighting of the request with {@code key}; whether it has now been seen {@code minUses} times. */
    boolean seenEnough(String key, int minUses) {
        if (minUses <= 1) {
            return true;
        }
        if (seen.size() >= MAX_REQUESTS) {
            seen.clear();
        }
        return seen.merge(digestPrefix(key), 1, Integer::sum) >= minUses;
    }

    /** The first 64 bits of the digest in {@code key} ({@code v1:} and 64 hex digits). */
    private static long digestPrefix(String key) {
        int start = key.indexOf(':') + 1;
        return Long.parseUnsignedLong(key, start, start + 16, 16);
    }
}
