package io.gatehouse.cluster.config;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.time.Instant;

/**
 * One member's report as stored in the replicated map, keyed by member id. Not changed after it is
 * built or read (the map keeps values as objects and hands the same instance to every reader), hence
 * thread-safe.
 */
final class Report implements IdentifiedDataSerializable {
    private String nodeName = "";
    private long version;
    private Instant appliedAt = Instant.EPOCH;

    /** For deserialisation. */
    Report() {}

    Report(String nodeName, long version, Instant appliedAt) {
        this.nodeName = nodeName;
        this.version = version;
        this.appliedAt = appliedAt;
    }

    long version() {
        return version;
    }

    AppliedVersion view(String memberId) {
        return new AppliedVersion(memberId, nodeName, version, appliedAt);
    }

    @Override
    public int getFactoryId() {
        return ConfigSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ConfigSerializers.REPORT;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(nodeName);
        out.writeLong(version);
        out.writeLong(appliedAt.getEpochSecond());
        out.writeInt(appliedAt.getNano());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        String name = in.readString();
        nodeName = name == null ? "" : name;
        version = in.readLong();
        appliedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    @Override
    public String toString() {
        return nodeName + "@" + version;
    }
}
