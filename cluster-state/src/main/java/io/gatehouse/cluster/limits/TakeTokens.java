package io.gatehouse.cluster.limits;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Takes tokens from (or, with a negative amount, puts tokens back into) one token bucket, on the
 * member that owns the key, so every change to a bucket is atomic. The bucket holds {@code capacity}
 * tokens and refills {@code capacity} per minute, continuously. State is {@code long[]{millitokens,
 * updatedAtMillis}}; the result is {@code long[]{granted, limit, remaining, resetMillis,
 * retryAfterMillis}}. Runs on backups too, so a bucket survives the loss of its owner.
 */
final class TakeTokens implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable {
    static final long WINDOW_MILLIS = 60_000;

    private long capacity;
    private long amount;
    private boolean force;

    /** For deserialisation. */
    TakeTokens() {}

    TakeTokens(long capacity, long amount, boolean force) {
        this.capacity = capacity;
        this.amount = amount;
        this.force = force;
    }

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
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
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        capacity = in.readLong();
        amount = in.readLong();
        force = in.readBoolean();
    }
}
