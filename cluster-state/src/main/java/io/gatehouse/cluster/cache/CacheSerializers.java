package io.gatehouse.cluster.cache;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates the response cache's entry processors when members deserialise them. Thread-safe. */
final class CacheSerializers implements DataSerializableFactory {
    static final int FACTORY_ID = 4_713;
    static final int APPEND_PROMPT = 1;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        if (typeId == APPEND_PROMPT) {
            return new AppendPrompt();
        }
        throw new IllegalArgumentException("unknown cache type " + typeId);
    }
}
