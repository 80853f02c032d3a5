package io.gatehouse.bench.cache;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.gatehouse.bench.limits.BenchCluster;
import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.cache.ResponseCache;
import io.gatehouse.cluster.cache.SemanticIndex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the response cache's semantic match, in its parts and whole: {@code embed}, the
 * embedding of a short question by the node's model (all-MiniLM-L6-v2, quantized, in process);
 * {@code nearest}, the search of a scope that holds {@code cache.semantic.max_entries} (256 by
 * default) prompts, which reads them from the scope's owner, opens each one's seal and compares;
 * and {@code hit}, both and then the read of the 1.5 KB answer found, as a request that means the
 * same as one answered before costs. By where the scope's and the answer's owner is: {@code local}
 * (a cluster of one) or {@code remote} (two members, both owned by the other). One thread; the
 * figure is a latency.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m", "--enable-native-access=ALL-UNNAMED"})
public class SemanticLookupBench {
    private static final int PROMPTS = 256;
    private static final int ANSWER_BYTES = 1536;
    private static final String[] VERBS = {
        "reset", "change", "recover", "update", "delete", "export", "share", "rename",
        "download", "upload", "encrypt", "archive", "restore", "lock", "verify", "sync"
    };
    private static final String[] THINGS = {
        "password",
        "invoice",
        "profile picture",
        "billing address",
        "API key",
        "team",
        "calendar",
        "mailbox",
        "project",
        "report",
        "contract",
        "laptop",
        "database",
        "subscription",
        "phone number",
        "shipping label"
    };
    /** Means the same as prompt 0, "How do I reset my password?", without its words. */
    private static final String ASKED = "What is the way to reset my password?";

    @Param({"local", "remote"})
    public String owner;

    private final List<ClusterMember> members = new ArrayList<>();
    private EmbeddingModel model;
    private SemanticIndex index;
    private ResponseCache cache;
    private String scope;
    private float[] asked;

    @Setup(Level.Trial)
    public void fillAScope() throws Exception {
        model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        members.addAll(BenchCluster.form(owner.equals("local") ? 1 : 2));
        byte[] sealKey = new byte[32];
        ThreadLocalRandom.current().nextBytes(sealKey);
        index = members.getFirst().semanticIndex(sealKey);
        cache = members.getFirst().responseCache(sealKey);
        if (members.size() > 1) {
            Thread.sleep(3_000); // partitions migrate to the second member before keys are chosen
        }
        scope = ownedKey("p1:scope-");
        String answerKey = ownedKey("v1:answer-");
        byte[] answer = new byte[ANSWER_BYTES];
        Arrays.fill(answer, (byte) 'a');
        cache.put(answerKey, answer, Duration.ofHours(1));
        for (int i = PROMPTS - 1; i >= 0; i--) {
            String prompt = "How do I " + VERBS[i % VERBS.length] + " my " + THINGS[i / VERBS.length] + "?";
            index.add(
                    scope,
                    model.embed(prompt).content().vector(),
                    i == 0 ? answerKey : "v1:other-" + i,
                    PROMPTS,
                    Duration.ofHours(1));
        }
        asked = model.embed(ASKED).content().vector();
        while (hit().length == 0) {
            Thread.sleep(10); // adds and puts are fire and forget
        }
    }

    private String ownedKey(String prefix) {
        boolean wantLocal = owner.equals("local");
        for (int i = 0; i < 100_000; i++) {
            if (members.getFirst().ownsKey(prefix + i) == wantLocal) {
                return prefix + i;
            }
        }
        throw new IllegalStateException("no key for " + owner);
    }

    @Benchmark
    public float[] embed() {
        return model.embed(ASKED).content().vector();
    }

    @Benchmark
    public String nearest() throws Exception {
        return index.nearest(scope, asked, 0.95).get(10, TimeUnit.SECONDS);
    }

    @Benchmark
    public byte[] hit() throws Exception {
        float[] embedding = model.embed(ASKED).content().vector();
        String answerKey = index.nearest(scope, embedding, 0.95).get(10, TimeUnit.SECONDS);
        return answerKey.isEmpty() ? new byte[0] : cache.get(answerKey).get(10, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void leave() {
        members.reversed().forEach(ClusterMember::close);
    }
}
