package io.gatehouse.cluster.cache;

import static java.util.Objects.requireNonNull;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.gatehouse.cluster.Completions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SemanticIndex} on a Hazelcast map of scope to prompts, with one backup, each scope with its
 * own time to live, least recently used scopes evicted once the map holds more than its share of
 * heap on a member. Each prompt (its embedding and its answer's key) is sealed ({@link AnswerSeal})
 * with the scope bound in, before it leaves this class: an embedding says much of the prompt it was
 * made from. A lookup reads the scope's prompts from its owner and compares them here; a scope holds
 * a few hundred prompts at most, so a search is a scan. Thread-safe.
 */
public final class HazelcastSemanticIndex implements SemanticIndex {
    public static final String PROMPTS = "gatehouse.cache.prompts";

    private static final Logger log = LoggerFactory.getLogger(HazelcastSemanticIndex.class);

    private final IMap<String, byte[]> prompts;
    private final AnswerSeal seal;

    /**
     * Prompts in {@code hazelcast}'s map {@value #PROMPTS}, sealed under {@code key} (32 bytes, the
     * same on every member).
     */
    public HazelcastSemanticIndex(HazelcastInstance hazelcast, byte[] key) {
        this.prompts = requireNonNull(hazelcast, "hazelcast").getMap(PROMPTS);
        this.seal = new AnswerSeal(key);
    }

    /** Configures the prompts' map (one backup, at most {@code megabytes} of heap per member) and its entry processor. */
    public static void configure(Config config, int megabytes) {
        config.getSerializationConfig().addDataSerializableFactory(CacheSerializers.FACTORY_ID, new CacheSerializers());
        config.addMapConfig(new MapConfig(PROMPTS)
                .setBackupCount(1)
                .setStatisticsEnabled(false)
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
                        .setSize(megabytes)));
    }

    @Override
    public CompletableFuture<String> nearest(String scope, float[] embedding, double threshold) {
        return Completions.onCompletingThread(
                prompts.getAsync(scope), stored -> nearestIn(scope, stored, embedding, threshold));
    }

    private String nearestIn(String scope, byte[] stored, float[] embedding, double threshold) {
        String nearest = "";
        double best = threshold;
        for (byte[] sealed : ScopePrompts.sealed(stored)) {
            byte[] prompt = seal.open(scope, sealed);
            if (prompt == null) {
                continue; // sealed under another key, or damaged
            }
            double similarity = PromptVectors.similarity(prompt, embedding);
            if (similarity >= best) {
                best = similarity;
                nearest = PromptVectors.answerKey(prompt);
            }
        }
        return nearest;
    }

    @Override
    public void add(String scope, float[] embedding, String answerKey, int maxEntries, Duration ttl) {
        byte[] sealed = seal.seal(scope, PromptVectors.encode(answerKey, embedding));
        prompts.submitToKey(scope, new AppendPrompt(sealed, maxEntries, ttl.toMillis()))
                .whenCompleteAsync(
                        (ignored, failure) -> {
                            if (failure != null) {
                                log.debug("a prompt could not be indexed: {}", failure.toString());
                            }
                        },
                        Completions.SAME_THREAD);
    }
}
