package io.gatehouse.cluster.cache;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.map.listener.MapEvictedListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys the cache's map holds anywhere in the cluster, as this member has heard of them from the
 * map's events (keys only, no values): a hint that lets a lookup of a key the cluster does not hold
 * end at once, without an operation at the key's owner. A key it wrongly holds (an event lost or not
 * yet arrived) costs one lookup that finds nothing; a key it lacks (stored elsewhere a moment ago)
 * costs one miss. Holds at most {@link #MAX_KEYS} keys and forgets them all when full. Thread-safe.
 */
final class KeyIndex
        implements EntryAddedListener<String, byte[]>,
                EntryRemovedListener<String, byte[]>,
                EntryEvictedListener<String, byte[]>,
                EntryExpiredListener<String, byte[]>,
                MapClearedListener,
                MapEvictedListener {
    static final int MAX_KEYS = 1_000_000;

    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    boolean mayHold(String key) {
        return keys.contains(key);
    }

    void add(String key) {
        if (keys.size() >= MAX_KEYS) {
            keys.clear();
        }
        keys.add(key);
    }

    @Override
    public void entryAdded(EntryEvent<String, byte[]> event) {
        add(event.getKey());
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> event) {
        keys.remove(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, byte[]> event) {
        keys.remove(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, byte[]> event) {
        keys.remove(event.getKey());
    }

    @Override
    public void mapCleared(MapEvent event) {
        keys.clear();
    }

    @Override
    public void mapEvicted(MapEvent event) {
        keys.clear();
    }
}
