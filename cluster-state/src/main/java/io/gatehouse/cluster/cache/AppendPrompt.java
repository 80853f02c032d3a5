package io.gatehouse.cluster.cache;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Adds one sealed prompt to a scope's prompts on the member that owns the scope (and on its backup),
 * keeps the newest {@code max}, and gives the scope a fresh time to live: no read and write back
 * across the network, so that prompts added at once from two members are both kept.
 */
final class AppendPrompt implements EntryProcessor<String, byte[], @Nullable Object>, IdentifiedDataSerializable {
    private byte[] prompt = new byte[0];
    private int max;
    private long ttlMillis;

    /** For deserialisation. */
    AppendPrompt() {}

    AppendPrompt(byte[] prompt, int max, long ttlMillis) {
        this.prompt = prompt;
        this.max = max;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public @Nullable Object process(Map.Entry<String, byte[]> entry) {
        byte[] appended = ScopePrompts.append(entry.getValue(), prompt, max);
        ((ExtendedMapEntry<String, byte[]>) entry).setValue(appended, ttlMillis, TimeUnit.MILLISECONDS);
        return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(prompt);
        out.writeInt(max);
        out.writeLong(ttlMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        byte[] read = in.readByteArray();
        prompt = read == null ? new byte[0] : read;
        max = in.readInt();
        ttlMillis = in.readLong();
    }

    @Override
    public int getFactoryId() {
        return CacheSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CacheSerializers.APPEND_PROMPT;
    }
}
