package io.gatehouse.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Takes from (or settles) several token buckets kept under one key, all or nothing, on the member
 * that owns the key: one operation, one network hop and one backup for what would otherwise be one
 * per bucket (a caller's requests-per-minute and tokens-per-minute buckets, say). Each bucket
 * behaves as {@link TakeTokens}: it holds its capacity and refills it per minute. State is {@code
 * long[]{millitokens, updatedAtMillis} × buckets}; a state of another shape (the limits changed) is
 * taken as full buckets. The result is {@code {granted, limit, remaining, resetMillis,
 * retryAfterMillis} × buckets}; unless forced, either every bucket grants its amount or none is
 * taken from. Runs on backups too, with the capacities already scaled to the owner's share.
 *
 * <p>With {@code extras}, a granted take also takes up to {@code extras[i]} more from bucket {@code
 * i} for a node's local lease, but only what leaves the bucket at least half full: leases are
 * handed out while a limit is far from reached, and checks near it stay exact. The extras taken
 * follow the answers, one per bucket.
 */
final class TakeBuckets
        implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private long[] capacities = new long[0];
    private long[] amounts = new long[0];
    /** What a lease asks for beyond the amounts, per bucket; empty for a plain take. */
    private long[] extras = new long[0];

    private boolean force;
    /** The size of the whole cluster, to scale the capacities by; 0 once scaled (or never to be). */
    private int expectedMembers;

    private transient @Nullable HazelcastInstance member;

    /** For deserialisation. */
    TakeBuckets() {}

    TakeBuckets(long[] capacities, long[] amounts, boolean force, int expectedMembers) {
        this(capacities, amounts, new long[0], force, expectedMembers);
    }

    TakeBuckets(long[] capacities, long[] amounts, long[] extras, boolean force, int expectedMembers) {
        if (capacities.length != amounts.length || capacities.length == 0) {
            throw new IllegalArgumentException("buckets: " + capacities.length + " capacities, " + amounts.length
                    + " amounts (expected: the same number, at least 1)");
        }
        if (extras.length != 0 && extras.length != capacities.length) {
            throw new IllegalArgumentException(
                    "buckets: " + capacities.length + " capacities, " + extras.length + " extras");
        }
        this.capacities = capacities.clone();
        this.amounts = amounts.clone();
        this.extras = extras.clone();
        this.force = force;
        this.expectedMembers = expectedMembers;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
        HazelcastInstance owner = member;
        if (expectedMembers > 0 && owner != null) {
            int visible = owner.getCluster().getMembers().size();
            for (int i = 0; i < capacities.length; i++) {
                capacities[i] = HazelcastRateLimits.share(capacities[i], visible, expectedMembers);
            }
            expectedMembers = 0;
        }
        return apply(entry, System.currentTimeMillis());
    }

    long[] apply(Map.Entry<String, long[]> entry, long now) {
        int n = capacities.length;
        long[] state = entry.getValue();
        if (state != null && state.length != 2 * n) {
            state = null;
        }
        boolean take = true;
        if (!force) {
            for (int i = 0; i < n && take; i++) {
                take = amounts[i] <= 0 || TakeTokens.available(state, 2 * i, capacities[i], now) >= amounts[i] * 1000;
            }
        }
        long[] next = new long[2 * n];
        long[] result = new long[5 * n + extras.length];
        for (int i = 0; i < n; i++) {
            long extra = take && extras.length > 0 ? spare(state, i, now) : 0;
            TakeTokens.step(state, 2 * i, capacities[i], amounts[i] + extra, take, now, next, 2 * i, result, 5 * i);
            if (extras.length > 0) {
                result[5 * n + i] = extra;
            }
        }
        entry.setValue(next);
        return result;
    }

    /** What bucket {@code i} can lend beyond its amount and still be at least half full. */
    private long spare(long @Nullable [] state, int i, long now) {
        long half = Math.max(1, capacities[i]) * 1000 / 2;
        long after = TakeTokens.available(state, 2 * i, capacities[i], now) - Math.max(0, amounts[i]) * 1000;
        return Math.max(0, Math.min(extras[i], (after - half) / 1000));
    }

    @Override
    public int getFactoryId() {
        return LimitSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return LimitSerializers.TAKE_BUCKETS;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLongArray(capacities);
        out.writeLongArray(amounts);
        out.writeLongArray(extras);
        out.writeBoolean(force);
        out.writeInt(expectedMembers);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        capacities = in.readLongArray();
        amounts = in.readLongArray();
        extras = in.readLongArray();
        force = in.readBoolean();
        expectedMembers = in.readInt();
    }
}
