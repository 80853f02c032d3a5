package io.gatehouse.cluster.cache;

import static java.util.Objects.requireNonNull;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ResponseCache} on a Hazelcast map with one backup, each entry with its own time to live,
 * least recently used entries evicted once the map holds more than its share of heap on a member.
 * Values are sealed ({@link AnswerSeal}) before they leave this class. A lookup of a key that the
 * {@link KeyIndex} has not heard of is a miss at once: most lookups of new requests cost no
 * operation at the key's owner, and no thread hand-off. Members learn each other's keys from
 * {@link KeyAnnouncements}, in batches. Thread-safe; {@link #close} when the member leaves.
 */
public final class HazelcastResponseCache implements ResponseCache, AutoCloseable {
    public static final String ANSWERS = "gatehouse.cache.answers";

    private static final Logger log = LoggerFactory.getLogger(HazelcastResponseCache.class);
    private static final byte[] NONE = new byte[0];
    /** Opening runs on the thread that completed the lookup: no hand-off before the caller's own. */
    private static final Executor SAME_THREAD = Runnable::run;

    private final IMap<String, byte[]> answers;
    private final AnswerSeal seal;
    private final KeyIndex index = new KeyIndex();
    private final KeyAnnouncements announcements;

    /**
     * Answers in {@code hazelcast}'s map {@value #ANSWERS}, sealed under {@code key} (32 bytes, the
     * same on every member, or members cannot read each other's answers).
     */
    public HazelcastResponseCache(HazelcastInstance hazelcast, byte[] key) {
        requireNonNull(hazelcast, "hazelcast");
        this.answers = hazelcast.getMap(ANSWERS);
        this.seal = new AnswerSeal(key);
        // Listening first, then reading the keys already held, misses no key stored in between.
        this.announcements = new KeyAnnouncements(hazelcast, index);
        answers.keySet().forEach(index::add);
    }

    /** Configures the answers' map: one backup, at most {@code megabytes} of heap per member. */
    public static void configure(Config config, int megabytes) {
        config.addMapConfig(new MapConfig(ANSWERS)
                .setBackupCount(1)
                .setStatisticsEnabled(false)
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
                        .setSize(megabytes)));
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        if (!index.mayHold(key)) {
            return CompletableFuture.completedFuture(NONE);
        }
        return answers.getAsync(key)
                .thenApplyAsync(
                        stored -> {
                            if (stored == null) {
                                index.gone(key);
                                return NONE;
                            }
                            byte[] answer = seal.open(key, stored);
                            return answer != null ? answer : NONE;
                        },
                        SAME_THREAD)
                .toCompletableFuture();
    }

    @Override
    public void put(String key, byte[] answer, Duration ttl) {
        // This member's next lookup of the key comes after the write at the key's owner; the other
        // members hear of it once it is written, so that their lookups find it.
        index.add(key);
        answers.setAsync(key, seal.seal(key, answer), ttl.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync(
                        (ignored, failure) -> {
                            if (failure == null) {
                                announcements.stored(key);
                            } else {
                                log.debug("an answer could not be cached: {}", failure.toString());
                            }
                        },
                        SAME_THREAD); // no hand-off to another thread per answer stored
    }

    /** Stops announcing this member's keys to the others. */
    @Override
    public void close() {
        announcements.close();
    }
}
