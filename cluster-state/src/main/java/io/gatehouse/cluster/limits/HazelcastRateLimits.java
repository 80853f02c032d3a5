package io.gatehouse.cluster.limits;

import static java.util.Objects.requireNonNull;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link RateLimits} on two Hazelcast maps updated by entry processors. While the cluster has fewer
 * members than expected (a split, or members lost), every capacity is scaled to the visible share,
 * so the sides of a split together stay within the limit. The share is taken on the member that owns
 * the key, from its view of the cluster, when the check runs there: a check sent before a split was
 * noticed and retried after it gets the share of the side it lands on. Thread-safe.
 */
public final class HazelcastRateLimits implements RateLimits {
    public static final String BUCKETS = "gatehouse.limits.buckets";
    public static final String SLOTS = "gatehouse.limits.slots";

    private final KeyOperations<long[]> buckets;
    private final KeyOperations<HashMap<String, Long>> slots;
    private final IMap<String, HashMap<String, Long>> slotMap;
    private final int expectedMembers;

    public HazelcastRateLimits(HazelcastInstance hazelcast, int expectedMembers) {
        requireNonNull(hazelcast, "hazelcast");
        this.buckets = new KeyOperations<>(hazelcast.getMap(BUCKETS));
        this.slotMap = hazelcast.getMap(SLOTS);
        this.slots = new KeyOperations<>(slotMap);
        this.expectedMembers = expectedMembers;
    }

    /**
     * The part of {@code capacity} that a side of {@code visible} members may use: all of it when the
     * cluster is whole, {@code visible / expected} of it (at least 1) when it is not.
     */
    static long share(long capacity, int visible, int expected) {
        if (visible >= expected) {
            return capacity;
        }
        return Math.max(1, capacity * visible / expected);
    }

    @Override
    public CompletableFuture<BucketResult> take(String key, long capacity, long amount) {
        return buckets.submit(
                key, new TakeTokens(capacity, amount, false, expectedMembers), HazelcastRateLimits::result);
    }

    @Override
    public void adjust(String key, long capacity, long amount) {
        if (amount != 0) {
            buckets.send(key, new TakeTokens(capacity, -amount, true, expectedMembers));
        }
    }

    @Override
    public CompletableFuture<List<BucketResult>> takeAll(String key, long[] capacities, long[] amounts) {
        return buckets.submit(
                key, new TakeBuckets(capacities, amounts, false, expectedMembers), HazelcastRateLimits::results);
    }

    /** The answers of a take for a lease, and the extras it asked for and got for the lease, per bucket. */
    record Lent(List<BucketResult> answers, long[] asked, long[] extras) {}

    /**
     * Takes as {@link #takeAll} does and, when granted, up to {@code extras[i]} more from bucket
     * {@code i} for a local lease, as long as that leaves the bucket at least half full.
     */
    CompletableFuture<Lent> takeAllAndLend(String key, long[] capacities, long[] amounts, long[] extras) {
        return buckets.submit(
                key,
                new TakeBuckets(capacities, amounts, extras, false, expectedMembers),
                r -> new Lent(
                        results(r, capacities.length),
                        extras,
                        Arrays.copyOfRange(r, r.length - extras.length, r.length)));
    }

    /** The size of the whole cluster, as configured. */
    int expectedMembers() {
        return expectedMembers;
    }

    @Override
    public void adjustAll(String key, long[] capacities, long[] amounts) {
        long[] negated = new long[amounts.length];
        boolean any = false;
        for (int i = 0; i < amounts.length; i++) {
            negated[i] = -amounts[i];
            any |= amounts[i] != 0;
        }
        if (any) {
            buckets.send(key, new TakeBuckets(capacities, negated, true, expectedMembers));
        }
    }

    @Override
    public CompletableFuture<BucketResult> acquireSlot(String key, long limit, String leaseId) {
        return slots.submit(
                key, new SlotLeases(SlotLeases.ACQUIRE, leaseId, limit, expectedMembers), HazelcastRateLimits::result);
    }

    @Override
    public void releaseSlot(String key, String leaseId) {
        slots.send(key, new SlotLeases(SlotLeases.RELEASE, leaseId, 0, 0));
    }

    /** Releases every slot whose lease id starts with {@code prefix} (a departed member's). */
    public void releaseSlotsOf(String prefix) {
        slotMap.executeOnEntries(new SlotLeases(SlotLeases.PURGE_PREFIX, prefix, 0, 0));
    }

    private static BucketResult result(long[] r) {
        return new BucketResult(r[0] == 1, r[1], r[2], r[3], r[4]);
    }

    private static List<BucketResult> results(long[] r) {
        return results(r, r.length / 5);
    }

    /** The answers of the first {@code buckets} buckets of a result. */
    private static List<BucketResult> results(long[] r, int buckets) {
        List<BucketResult> results = new ArrayList<>(buckets);
        for (int i = 0; i < 5 * buckets; i += 5) {
            results.add(new BucketResult(r[i] == 1, r[i + 1], r[i + 2], r[i + 3], r[i + 4]));
        }
        return results;
    }
}
