package io.gatehouse.node.http;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many times this node has seen each recent request, by its cache key, so that only the answers
 * of requests that come again are stored ({@code cache.min_uses}): storing costs far more than a
 * lookup, and most requests to a model never come again.
 *
 * <p>A fixed table of {@value #SLOTS} longs (2 MiB), in sets of {@value #WAYS}: each slot holds the
 * first 57 bits of a key's digest and, in its low 7 bits, how often it was seen (up to 127). A new
 * request takes the slot of its set seen least often, so the table remembers about the last
 * hundred thousand requests and the frequent ones longest. Nothing is allocated per request: a map
 * of boxed counts kept every request alive until it was full, and moved each one to the old
 * generation of the heap, which cost more collection than the lookup itself. Thread-safe; two
 * threads counting the same request at once may count it once.
 */
final class RequestSightings {
    static final int SLOTS = 1 << 18;
    static final int WAYS = 4;
    private static final long COUNT_BITS = 0x7F;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS);

    /** Counts one sighting of the request with {@code key}; whether it has now been seen {@code minUses} times. */
    boolean seenEnough(String key, int minUses) {
        if (minUses <= 1) {
            return true;
        }
        long digest = digestPrefix(key);
        long tag = (digest & ~COUNT_BITS) | (COUNT_BITS + 1); // never 0, the empty slot
        int set = (int) (digest >>> 7) & (SLOTS / WAYS - 1);
        int first = set * WAYS;
        int fewest = first;
        for (int slot = first; slot < first + WAYS; slot++) {
            long held = slots.getOpaque(slot);
            if ((held & ~COUNT_BITS) == tag) {
                long count = Math.min(COUNT_BITS, (held & COUNT_BITS) + 1);
                slots.setOpaque(slot, tag | count);
                return count >= minUses;
            }
            if ((held & COUNT_BITS) < (slots.getOpaque(fewest) & COUNT_BITS)) {
                fewest = slot;
            }
        }
        slots.setOpaque(fewest, tag | 1);
        return false;
    }

    /** The first 64 bits of the digest in {@code key} ({@code v2:} and 64 hex digits). */
    private static long digestPrefix(String key) {
        int start = key.indexOf(':') + 1;
        return Long.parseUnsignedLong(key, start, start + 16, 16);
    }
}
