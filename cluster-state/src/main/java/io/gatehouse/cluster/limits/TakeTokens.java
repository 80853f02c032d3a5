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
 * Takes tokens from (or, with a negative amount, puts tokens back into) one token bucket, on the
 * member that owns the key, so every change to a bucket is atomic. The bucket holds {@code capacity}
 * tokens and refills {@code capacity} per minute, continuously. State is {@code long[]{millitokens,
 * updatedAtMillis}}; the result is {@code long[]{granted, limit, remaining, resetMillis,
 * retryAfterMillis}}. Runs on backups too, so a bucket survives the loss of its owner.
 *
 * <p>With {@code expectedMembers} set, the capacity is first scaled to the owner's share of the
 * cluster ({@link HazelcastRateLimits#share}), once, on the owner, when the take runs; the copy that
 * Hazelcast then sends to the backup carries the scaled capacity.
 */
final class TakeTokens
        implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
    static final long WINDOW_MILLIS = 60_000;

    private long capacity;
    private long amount;
    private boolean force;
    /** The size of the whole cluster, to scale {@code capacity} by; 0 once scaled (or never to be). */
    private int expectedMembers;

    private transient @Nullable HazelcastInstance member;

    /** For deserialisation. */
    TakeTokens() {}

    TakeTokens(long capacity, long amount, boolean force) {
        this(capacity, amount, force, 0);
    }

    TakeTokens(long capacity, long amount, boolean force, int expectedMembers) {
        this.capacity = capacity;
        this.amount = amount;
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
            capacity = HazelcastRateLimits.share(
                    capacity, owner.getCluster().getMembers().size(), expectedMembers);
            expectedMembers = 0;
        }
        return apply(entry, System.currentTimeMillis());
    }

    long[] apply(Map.Entry<String, long[]> entry, long now) {
        long cap = Math.max(1, capacity) * 1000;
        long[] state = entry.getValue();
        long tokens = state == null ? cap : refill(state[0], now - state[1], cap);
        long need = amount * 1000;
        boolean granted = force || need <= 0 || tokens >= need;
        long retryAfter = 0;
        if (granted) {
            tokens = Math.min(cap, tokens - need);
        } else {
            retryAfter = ceilDiv((need - tokens) * WINDOW_MILLIS, cap);
        }
        entry.setValue(new long[] {tokens, now});
        long reset = tokens >= cap ? 0 : ceilDiv((cap - tokens) * WINDOW_MILLIS, cap);
        return new long[] {granted ? 1 : 0, cap / 1000, Math.max(0, tokens / 1000), reset, retryAfter};
    }

    private static long refill(long tokens, long elapsedMillis, long cap) {
        if (elapsedMillis >= WINDOW_MILLIS) {
            return cap;
        }
        if (elapsedMillis <= 0) {
            return Math.min(cap, tokens);
        }
        return Math.min(cap, tokens + elapsedMillis * cap / WINDOW_MILLIS);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    @Override
    public int getFactoryId() {
        return LimitSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return LimitSerializers.TAKE_TOKENS;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(capacity);
        out.writeLong(amount);
        out.writeBoolean(force);
        out.writeInt(expectedMembers);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        capacity = in.readLong();
        amount = in.readLong();
        force = in.readBoolean();
        expectedMembers = in.readInt();
    }
}
