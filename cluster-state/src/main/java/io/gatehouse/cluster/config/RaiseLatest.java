package io.gatehouse.cluster.config;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Raises the latest announced version to at least {@code version}, on the member that owns the entry,
 * so announcements racing from several members keep the highest. Runs on the backup too (the same
 * maximum), so the value survives the loss of its owner. Returns the value after the raise.
 */
final class RaiseLatest implements EntryProcessor<String, Long, Long>, IdentifiedDataSerializable {
    private long version;

    /** For deserialisation. */
    RaiseLatest() {}

    RaiseLatest(long version) {
        this.version = version;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
        @Nullable Long current = entry.getValue();
        if (current == null || current < version) {
            entry.setValue(version);
            return version;
        }
        return current;
    }

    @Override
    public int getFactoryId() {
        return ConfigSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ConfigSerializers.RAISE_LATEST;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
    }
}
