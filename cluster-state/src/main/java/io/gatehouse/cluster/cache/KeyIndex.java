package io.gatehouse.cluster.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys stored in the cache anywhere in the cluster, as this member knows them (its own, and the
 * other members' from their {@link KeyAnnouncements}): a hint that lets a lookup of a key never
 * stored end at once, without an operation at the key's owner. It does not follow evictions and
 * expiries, which would cost a message each: a key it still holds whose entry is gone costs one
 * lookup that finds nothing, after which the key is forgotten. A key it lacks (stored elsewhere a
 * moment ago, or forgotten when the index was full) costs one miss. Holds a 64-bit hash of each
 * key, not the key (two keys with one hash cost a lookup at most), at most {@link #MAX_KEYS} of
 * them, and forgets them all when full. Thread-safe.
 */
final class KeyIndex {
    static final int MAX_KEYS = 100_000;

    private final Set<Long> keys = ConcurrentHashMap.newKeySet();

    boolean mayHold(String key) {
        return keys.contains(hash(key));
    }

    void add(String key) {
        if (keys.size() >= MAX_KEYS) {
            keys.clear();
        }
        keys.add(hash(key));
    }

    /** The key's entry was looked up and is not there (evicted or expired). */
    void gone(String key) {
        keys.remove(hash(key));
    }

    private static long hash(String key) {
        long h = 1125899906842597L;
        for (int i = 0; i < key.length(); i++) {
            h = 31 * h + key.charAt(i);
        }
        return h;
    }
}
