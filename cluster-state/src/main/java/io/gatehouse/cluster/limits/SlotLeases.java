package io.gatehouse.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Acquires, releases or purges concurrency-slot leases of one key, on the member that owns it. State
 * is a map of lease id to expiry time; expired leases are dropped whenever the key is touched. The
 * result is {@code long[]{granted, limit, remaining, 0, retryAfterMillis}}. With {@code
 * expectedMembers} set, the limit is scaled to the owner's share of the cluster on the owner when the
 * processor runs, as {@link TakeTokens} does.
 */
final class SlotLeases
        implements EntryProcessor<String, HashMap<String, Long>, long[]>,
                IdentifiedDataSerializable,
                HazelcastInstanceAware {
    static final int ACQUIRE = 0;
    static final int RELEASE = 1;
    static final int PURGE_PREFIX = 2;
    /** A slot not released within this time is released anyway (a lost release, a stuck call). */
    static final long LEASE_TTL_MILLIS = 15 * 60_000;
    /** How soon a refused caller should try again: slots free up when calls end. */
    static final long RETRY_AFTER_MILLIS = 1_000;

    private int operation;
    private String lease = "";
    private long limit;
    /** The size of the whole cluster, to scale {@code limit} by; 0 once scaled (or never to be). */
    private int expectedMembers;

    private transient @Nullable HazelcastInstance member;

    /** For deserialisation. */
    SlotLeases() {}

    SlotLeases(int operation, String lease, long limit, int expectedMembers) {
        this.operation = operation;
        this.lease = lease;
        this.limit = limit;
        this.expectedMembers = expectedMembers;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    @Override
    public long[] process(Map.Entry<String, HashMap<String, Long>> entry) {
        HazelcastInstance owner = member;
        if (expectedMembers > 0 && owner != null) {
            limit = HazelcastRateLimits.share(
                    limit, owner.getCluster().getMembers().size(), expectedMembers);
            expectedMembers = 0;
        }
        long now = System.currentTimeMillis();
        HashMap<String, Long> leases = entry.getValue() == null ? new HashMap<>() : entry.getValue();
        leases.values().removeIf(expiry -> expiry <= now);
        boolean granted = false;
        switch (operation) {
            case ACQUIRE -> {
                if (leases.containsKey(lease) || leases.size() < limit) {
                    leases.put(lease, now + LEASE_TTL_MILLIS);
                    granted = true;
                }
            }
            case RELEASE -> leases.remove(lease);
            case PURGE_PREFIX -> leases.keySet().removeIf(id -> id.startsWith(lease));
            default -> throw new IllegalStateException("unknown operation " + operation);
        }
        entry.setValue(leases.isEmpty() ? null : leases);
        long remaining = Math.max(0, limit - leases.size());
        return new long[] {granted ? 1 : 0, limit, remaining, 0, granted ? 0 : RETRY_AFTER_MILLIS};
    }

    @Override
    public int getFactoryId() {
        return LimitSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return LimitSerializers.SLOT_LEASES;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(operation);
        out.writeString(lease);
        out.writeLong(limit);
        out.writeInt(expectedMembers);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        operation = in.readInt();
        lease = in.readString();
        limit = in.readLong();
        expectedMembers = in.readInt();
    }
}
