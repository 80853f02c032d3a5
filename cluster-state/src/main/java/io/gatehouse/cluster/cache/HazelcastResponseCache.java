package io.gatehouse.cluster.cache;

import static java.util.Objects.requireNonNull;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.gatehouse.cluster.Completions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ResponseCache} on a Hazelcast map with one backup, each entry with its own time to live,
 * least recently used entries evicted once the map holds more than its share of heap on a member.
 * Values are sealed ({@link AnswerSeal}) before they leave this class, with the time they expire
 * inside the seal. A lookup of a key that the {@link KeyIndex} has not heard of is a miss at once:
 * most lookups of new requests cost no operation at the key's owner, and no thread hand-off.
 * Members learn each other's keys from {@link KeyAnnouncements}, in batches. Each member keeps the
 * answers it has read lately in a near cache, so that an answer asked for again and again is read
 * without an operation at its owner; the owner's changes invalidate it, within a second, and an
 * answer read from it past its expiry is a miss. Thread-safe; {@link #close} when the member leaves.
 */
public final class HazelcastResponseCache implements ResponseCache, AutoCloseable {
    public static final String ANSWERS = "gatehouse.cache.answers";

    /** Answers each member keeps near: at 1.5 KB each, about 6 MB of heap. */
    static final int NEAR_ANSWERS = 4096;

    /**
     * Bound into every seal with the entry's key: the format of what is sealed, an expiry stamp and
     * the answer. A value of another format (a member of an earlier build, during a rolling upgrade)
     * then does not open and is a miss, rather than read with the wrong layout and served garbled.
     */
    private static final String FORMAT = "stamped-answer:";

    private static final Logger log = LoggerFactory.getLogger(HazelcastResponseCache.class);
    private static final byte[] NONE = new byte[0];
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

    /**
     * Configures the answers' map: one backup, at most {@code megabytes} of heap per member, and a
     * near cache of the {@value #NEAR_ANSWERS} answers each member read last, the ones it owns
     * included; invalidations reach the other members' near caches in batches, at least every
     * second.
     */
    public static void configure(Config config, int megabytes) {
        config.addMapConfig(new MapConfig(ANSWERS)
                .setBackupCount(1)
                .setStatisticsEnabled(false)
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
                        .setSize(megabytes))
                .setNearCacheConfig(new NearCacheConfig()
                        .setInMemoryFormat(InMemoryFormat.BINARY)
                        .setCacheLocalEntries(true)
                        .setInvalidateOnChange(true)
                        .setEvictionConfig(new EvictionConfig()
                                .setEvictionPolicy(EvictionPolicy.LRU)
                                .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT)
                                .setSize(NEAR_ANSWERS))));
        config.setProperty("hazelcast.map.invalidation.batchfrequency.seconds", "1");
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        if (!index.mayHold(key)) {
            return CompletableFuture.completedFuture(NONE);
        }
        // Opened on the thread that completed the lookup: no hand-off before the caller's own.
        return Completions.onCompletingThread(answers.getAsync(key), stored -> {
            if (stored == null) {
                index.gone(key);
                return NONE;
            }
            return unexpired(seal.open(FORMAT + key, stored));
        });
    }

    @Override
    public void put(String key, byte[] answer, Duration ttl) {
        // This member's next lookup of the key comes after the write at the key's owner; the other
        // members hear of it once it is written, so that their lookups find it.
        index.add(key);
        byte[] stamped = ByteBuffer.allocate(Long.BYTES + answer.length)
                .putLong(System.currentTimeMillis() + ttl.toMillis())
                .put(answer)
                .array();
        answers.setAsync(key, seal.seal(FORMAT + key, stamped), ttl.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync(
                        (ignored, failure) -> {
                            if (failure == null) {
                                announcements.stored(key);
                            } else {
                                log.debug("an answer could not be cached: {}", failure.toString());
                            }
                        },
                        Completions.SAME_THREAD); // no hand-off to another thread per answer stored
    }

    /** The answer in an opened value, or none if it did not open or its time to live is over. */
    private static byte[] unexpired(byte @Nullable [] opened) {
        if (opened == null
                || opened.length < Long.BYTES
                || ByteBuffer.wrap(opened).getLong(0) <= System.currentTimeMillis()) {
            return NONE;
        }
        return Arrays.copyOfRange(opened, Long.BYTES, opened.length);
    }

    /** Stops announcing this member's keys to the others. */
    @Override
    public void close() {
        announcements.close();
    }
}
