package io.gatehouse.bench.limits;

import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.ClusterSettings;
import io.gatehouse.cluster.limits.RateLimits;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How much heap one rate-limit bucket and one concurrency key (with one lease) take in the member that
 * owns them: fills a one-member cluster with {@code -Dbench.keys} (default 100,000) of each and
 * compares the heap after a full collection. Keys look like the node's ({@code rpm:POLICY:SUBJECT});
 * lease ids like its (member UUID, then a request id). In a cluster, each key also has one backup on
 * another member, so the cluster holds twice this.
 */
public final class LimitMemory {
    private LimitMemory() {}

    public static void main(String[] args) throws Exception {
        int keys = Integer.getInteger("bench.keys", 100_000);
        try (ClusterMember member = ClusterMember.start(
                new ClusterSettings(
                        "limit-memory-" + ProcessHandle.current().pid(),
                        "memory",
                        "127.0.0.1",
                        39_701,
                        List.of(),
                        false,
                        1),
                "bench")) {
            RateLimits limits = member.rateLimits();
            // One of each first, so the maps and their partitions exist before the baseline.
            limits.take("rpm:warm", 100, 1).get(10, TimeUnit.SECONDS);
            limits.acquireSlot("cc:warm", 10, member.leasePrefix() + "warm").get(10, TimeUnit.SECONDS);

            long before = usedHeapAfterGc();
            fill(keys, i -> limits.take("rpm:eng-premium:user-" + i + "@example.com", 600, 1));
            long buckets = usedHeapAfterGc();
            fill(
                    keys,
                    i -> limits.acquireSlot(
                            "cc:eng-premium:user-" + i + "@example.com",
                            4,
                            member.leasePrefix() + "5f0c2a9e-3b7d-4c1e-9a8f-" + String.format("%012d", i)));
            long slots = usedHeapAfterGc();

            System.out.printf("%d buckets: %.0f bytes each%n", keys, (buckets - before) / (double) keys);
            System.out.printf(
                    "%d concurrency keys with one lease: %.0f bytes each%n", keys, (slots - buckets) / (double) keys);
        }
    }

    private interface Call {
        CompletableFuture<?> at(int i);
    }

    private static void fill(int keys, Call call) throws Exception {
        for (int start = 0; start < keys; start += 1_000) {
            CompletableFuture<?>[] batch = new CompletableFuture<?>[Math.min(1_000, keys - start)];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = call.at(start + i);
            }
            CompletableFuture.allOf(batch).get(60, TimeUnit.SECONDS);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
