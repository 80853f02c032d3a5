package io.gatehouse.bench.cache;

import io.gatehouse.bench.limits.BenchCluster;
import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.cache.ResponseCache;
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
 * The cost of one exact response cache lookup ({@link ResponseCache#get}, waited for), as a miss and
 * as a hit of a 1.5 KB answer (the side-by-side harness's answer size), which includes opening its
 * AES-GCM seal, by where the entry's owner is: {@code local} (a cluster of one) or {@code remote}
 * (two members, the entry owned by the other, so a lookup is one round trip on loopback). The
 * semantic match is measured by {@link SemanticLookupBench}. One thread; the figure is a latency.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class CacheLookupBench {
    private static final int KEYS = 64;
    private static final int ANSWER_BYTES = 1536;

    @Param({"local", "remote"})
    public String owner;

    private final List<ClusterMember> members = new ArrayList<>();
    private final String[] stored = new String[KEYS];
    private final String[] absent = new String[KEYS];
    private ResponseCache cache;
    private int next;

    @Setup(Level.Trial)
    public void formCluster() throws Exception {
        members.addAll(BenchCluster.form(owner.equals("local") ? 1 : 2));
        byte[] sealKey = new byte[32];
        ThreadLocalRandom.current().nextBytes(sealKey);
        cache = members.getFirst().responseCache(sealKey);
        if (members.size() > 1) {
            // Let partitions migrate to the second member before choosing keys by owner.
            Thread.sleep(3_000);
        }
        find("v1:stored-", stored);
        find("v1:absent-", absent);
        byte[] answer = new byte[ANSWER_BYTES];
        Arrays.fill(answer, (byte) 'a');
        for (String key : stored) {
            cache.put(key, answer, Duration.ofHours(1));
        }
        for (String key : stored) {
            while (cache.get(key).get(10, TimeUnit.SECONDS).length == 0) {
                Thread.sleep(10); // the put is fire and forget
            }
        }
    }

    private void find(String prefix, String[] into) {
        boolean wantLocal = owner.equals("local");
        int found = 0;
        for (int i = 0; i < 100_000 && found < into.length; i++) {
            String key = prefix + i;
            if (members.getFirst().ownsKey(key) == wantLocal) {
                into[found++] = key;
            }
        }
        if (found < into.length) {
            throw new IllegalStateException("found only " + found + " keys for " + owner);
        }
    }

    @Benchmark
    public byte[] miss() throws Exception {
        return cache.get(absent[next++ & (KEYS - 1)]).get(10, TimeUnit.SECONDS);
    }

    @Benchmark
    public byte[] hit() throws Exception {
        return cache.get(stored[next++ & (KEYS - 1)]).get(10, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void leave() {
        members.reversed().forEach(ClusterMember::close);
    }
}
