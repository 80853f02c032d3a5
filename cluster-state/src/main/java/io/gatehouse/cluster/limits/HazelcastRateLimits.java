package io.gatehouse.cluster.limits;

import static java.util.Objects.requireNonNull;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * {@link RateLimits} on two Hazelcast maps updated by entry processors. While the cluster has fewer
 * members than expected (a split, or members lost), every capacity is scaled to the visible share,
 * so the sides of a split together stay within the limit. Thread-safe.
 */
public final class HazelcastRateLimits implements RateLimits {
    public static final String BUCKETS = "gatehouse.limits.buckets";
    public static final String SLOTS = "gatehouse.limits.slots";

    private final IMap<String, long[]> buckets;
    private final IMap<String, HashMap<String, Long>> slots;
    private final IntSupplier visibleMembers;
    private final int expectedMembers;

    public HazelcastRateLimits(HazelcastInstance hazelcast, IntSupplier visibleMembers, int expectedMembers) {
        requireNonNull(hazelcast, "hazelcast");
        this.buckets = hazelcast.getMap(BUCKETS);
        this.slots = hazelcast.getMap(SLOTS);
        this.visibleMembers = requireNonNull(visibleMembers, "visibleMembers");
        this.expectedMembers = expectedMembers;
    }

    /** The capacity this side of the cluster may use: all of it when whole, its share when split. */
    long share(long capacity) {
        int visible = visibleMembers.getAsInt();
        if (visible >= expectedMembers) {
            return capacity;
        }
        return Math.max(1, capacity * visible / expectedMembers);
    }

    @Override
    public CompletableFuture<BucketResult> take(String key, long capacity, long amount) {
        return buckets.submitToKey(key, new TakeTokens(share(capacity), amount, false))
                .toCompletableFuture()
                .thenApply(HazelcastRateLimits::result);
    }

    @Override
    public void adjust(String key, long capacity, long amount) {
        if (amount != 0) {
            buckets.submitToKey(key, new TakeTokens(share(capacity), -amount, true));
        }
    }

    @Override
    public CompletableFuture<BucketResult> acquireSlot(String key, long limit, String leaseId) {
        return slots.submitToKey(key, new SlotLeases(SlotLeases.ACQUIRE, leaseId, share(limit)))
                .toCompletableFuture()
                .thenApply(HazelcastRateLimits::result);
    }

    @Override
    public void releaseSlot(String key, String leaseId) {
        slots.submitToKey(key, new SlotLeases(SlotLeases.RELEASE, leaseId, 0));
    }

    /** Releases every slot whose lease id starts with {@code prefix} (a departed member's). */
    public void releaseSlotsOf(String prefix) {
        slots.executeOnEntries(new SlotLeases(SlotLeases.PURGE_PREFIX, prefix, 0));
    }

    private static BucketResult result(long[] r) {
        return new BucketResult(r[0] == 1, r[1], r[2], r[3], r[4]);
    }
}
