package io.gatehouse.bench.limits;

import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.limits.BucketResult;
import io.gatehouse.cluster.limits.RateLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * The cost of one cluster-wide rate-limit check ({@link RateLimits#take}, waited for), and of the
 * admit step's check of a caller's requests and tokens buckets, as two takes on two keys ({@code
 * takeTwo}, what it did before) and as one {@link RateLimits#takeAll} of both buckets under one key
 * ({@code takeAll}, what it does now), by where the buckets' owner is:
 *
 * <ul>
 *   <li>{@code local}: a cluster of one member, so the check and the bucket are in the same JVM and
 *       there is no backup;
 *   <li>{@code local-of-two}: two members, the key owned by the member asking, so the check runs
 *       locally but waits for the synchronous backup on the other member;
 *   <li>{@code remote}: two members, the key owned by the other member, so the check is one round
 *       trip to it (whose backup is on the member asking).
 * </ul>
 *
 * Both members of a two-member cluster run in this JVM and talk over TCP on loopback. The buckets are
 * large enough never to refuse, so every operation is a granted take of one token from one of 64
 * keys. One thread; the figure is a latency, not a throughput.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class LimitCheckBench {
    private static final long CAPACITY = 1_000_000_000L;
    private static final int KEYS = 64;

    @Param({"local", "local-of-two", "remote"})
    public String owner;

    private final List<ClusterMember> members = new ArrayList<>();
    private final String[] keys = new String[KEYS];
    private final String[] groupKeys = new String[KEYS];
    private RateLimits limits;
    private ClusterMember asking;
    private int next;

    @Setup(Level.Trial)
    public void formCluster() throws Exception {
        boolean alone = owner.equals("local");
        members.addAll(BenchCluster.form(alone ? 1 : 2));
        asking = members.get(0);
        limits = asking.rateLimits();
        // Touch many keys so the partitions are assigned, then let migrations to the second member end.
        for (int i = 0; i < 1_000; i++) {
            limits.take("bench:" + i, CAPACITY, 1).get(10, TimeUnit.SECONDS);
        }
        Thread.sleep(alone ? 0 : 3_000);
        find("bench:", keys);
        find("group:", groupKeys);
    }

    /** Fills {@code into} with keys starting with {@code prefix} whose owner is the one wanted. */
    private void find(String prefix, String[] into) {
        boolean wantLocal = !owner.equals("remote");
        int found = 0;
        for (int i = 0; i < 100_000 && found < into.length; i++) {
            String key = prefix + i;
            if (asking.ownsKey(key) == wantLocal) {
                into[found++] = key;
            }
        }
        if (found < into.length) {
            throw new IllegalStateException("found only " + found + " keys for " + owner);
        }
    }

    @Benchmark
    public BucketResult take() throws Exception {
        String key = keys[next++ & (KEYS - 1)];
        return limits.take(key, CAPACITY, 1).get(10, TimeUnit.SECONDS);
    }

    /** A requests bucket and a tokens bucket on two keys: two operations, awaited together. */
    @Benchmark
    public long takeTwo() throws Exception {
        int at = next++ & (KEYS - 1);
        CompletableFuture<BucketResult> requests = limits.take(keys[at], CAPACITY, 1);
        CompletableFuture<BucketResult> tokens = limits.take(keys[(at + 1) & (KEYS - 1)], CAPACITY, 300);
        return requests.get(10, TimeUnit.SECONDS).remaining()
                + tokens.get(10, TimeUnit.SECONDS).remaining();
    }

    /** The same two buckets under one key: one operation. */
    @Benchmark
    public List<BucketResult> takeAll() throws Exception {
        String key = groupKeys[next++ & (KEYS - 1)];
        return limits.takeAll(key, new long[] {CAPACITY, CAPACITY}, new long[] {1, 300})
                .get(10, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void leave() {
        boolean wantLocal = !owner.equals("remote");
        for (String key : keys) {
            if (asking.ownsKey(key) != wantLocal) {
                System.err.println("warning: " + key + " changed owner during the run; the figure mixes cases");
                break;
            }
        }
        members.reversed().forEach(ClusterMember::close);
    }
}
