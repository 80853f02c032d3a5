package io.gatehouse.cluster.limits;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates the limit entry processors when members deserialise them. Thread-safe. */
public final class LimitSerializers implements DataSerializableFactory {
    public static final int FACTORY_ID = 4_711;
    static final int TAKE_TOKENS = 1;
    static final int SLOT_LEASES = 2;
    static final int TAKE_BUCKETS = 3;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case TAKE_TOKENS -> new TakeTokens();
            case SLOT_LEASES -> new SlotLeases();
            case TAKE_BUCKETS -> new TakeBuckets();
            default -> throw new IllegalArgumentException("unknown limit type " + typeId);
        };
    }
}
