package io.gatehouse.cluster.config;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates the config bus's values and entry processor when members deserialise them. Thread-safe. */
final class ConfigSerializers implements DataSerializableFactory {
    static final int FACTORY_ID = 4_712;
    static final int REPORT = 1;
    static final int RAISE_LATEST = 2;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case REPORT -> new Report();
            case RAISE_LATEST -> new RaiseLatest();
            default -> throw new IllegalArgumentException("typeId: " + typeId + " (expected: 1..2)");
        };
    }
}
