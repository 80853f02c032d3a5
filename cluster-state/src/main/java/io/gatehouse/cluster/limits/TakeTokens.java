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
        long[] state = entry.getValue();
        long[] next = new long[2];
        long[] result = new long[5];
        boolean granted = force || amount <= 0 || available(state, 0, capacity, now) >= amount * 1000;
        step(state, 0, capacity, amount, granted, now, next, 0, result, 0);
        entry.setValue(next);
        return result;
    }

    /**
     * The millitokens a bucket holds now: the bucket at {@code state[at]} and {@code state[at + 1]}
     * (full if there is no state) refilled for the time since its last change.
     */
    static long available(long @Nullable [] state, int at, long capacity, long now) {
        long cap = Math.max(1, capacity) * 1000;
        return state == null || state.length < at + 2 ? cap : refill(state[at], now - state[at + 1], cap);
    }

    /**
     * One bucket's step: takes {@code amount} if {@code take} (capped at the capacity when putting
     * back), writes its new state to {@code next[at..at+1]} and its answer ({@code granted, limit,
     * remaining, resetMillis, retryAfterMillis}) to {@code result[r..r+4]}.
     */
    static void step(
            long @Nullable [] state,
            int at,
            long capacity,
            long amount,
            boolean take,
            long now,
            long[] next,
            int nextAt,
            long[] result,
            int r) {
        long cap = Math.max(1, capacity) * 1000;
        long tokens = available(state, at, capacity, now);
        long need = amount * 1000;
        long retryAfter = 0;
        if (take) {
            tokens = Math.min(cap, tokens - need);
        } else if (need > tokens) {
            retryAfter = ceilDiv((need - tokens) * WINDOW_MILLIS, cap);
        }
        next[nextAt] = tokens;
        next[nextAt + 1] = now;
        long reset = tokens >= cap ? 0 : ceilDiv((cap - tokens) * WINDOW_MILLIS, cap);
        result[r] = take ? 1 : 0;
        result[r + 1] = cap / 1000;
        result[r + 2] = Math.max(0, tokens / 1000);
        result[r + 3] = reset;
        result[r + 4] = retryAfter;
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
