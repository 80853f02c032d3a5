package io.gatehouse.cluster.limits;

import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.util.ThreadUtil;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.operation.MapOperation;
import com.hazelcast.map.impl.operation.MapOperationProvider;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.spi.impl.InternalCompletableFuture;
import com.hazelcast.spi.impl.NodeEngine;
import io.gatehouse.cluster.Completions;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Runs entry processors of one map on the member that owns each key, as asynchronous invocations
 * with no thread hand-off on this side: the answer arrives on the thread that completed the
 * operation (the partition thread for a key this member owns, else the response thread), nothing
 * runs on Hazelcast's default executor, and a stage chained to an answer may itself send
 * operations from that thread. {@code IMap.submitToKey} does neither: it wraps the operation's
 * future in one that completes itself through the default executor (one task and one thread
 * wake-up per operation, even when nothing waits for the answer), and it invokes the operation as
 * a call the caller may wait for, which Hazelcast refuses from its partition and response threads.
 * This builds the invocation as the member's map proxy does, marked asynchronous (see
 * docs/decisions/0005-limit-operations-on-the-answering-thread.md). For a member's maps only, with
 * the default partitioning. Thread-safe.
 */
final class KeyOperations<V> {
    private final String name;
    private final NodeEngine member;
    private final MapOperationProvider operations;

    KeyOperations(IMap<String, V> map) {
        MapProxyImpl<String, V> proxy = (MapProxyImpl<String, V>) map;
        this.name = proxy.getName();
        this.member = proxy.getNodeEngine();
        this.operations = proxy.getService().getMapServiceContext().getMapOperationProvider(name);
    }

    /**
     * Runs {@code processor} on {@code key}'s owner; its answer, converted, as a plain future completed
     * on the thread that completed the operation. Whatever the caller chains to it without an
     * executor of its own runs there too, so callers must chain only non-blocking work: handing the
     * answer to their own thread, or sending more operations through this class.
     */
    <T, R> CompletableFuture<R> submit(String key, EntryProcessor<String, V, T> processor, Function<T, R> convert) {
        return Completions.onCompletingThread(
                invoke(key, processor),
                answer -> convert.apply(member.getSerializationService().<T>toObject(answer)));
    }

    /** Runs {@code processor} on {@code key}'s owner, its answer not wanted. */
    void send(String key, EntryProcessor<String, V, ?> processor) {
        invoke(key, processor);
    }

    private InternalCompletableFuture<Object> invoke(String key, EntryProcessor<String, V, ?> processor) {
        if (processor instanceof HazelcastInstanceAware aware) {
            // As submitToKey does: a processor that runs on this member itself is not deserialized there.
            aware.setHazelcastInstance(member.getHazelcastInstance());
        }
        Data keyData = member.getSerializationService().toData(key);
        MapOperation operation = operations.createEntryOperation(name, keyData, processor);
        operation.setThreadId(ThreadUtil.getThreadId());
        return member.getOperationService()
                .createInvocationBuilder(
                        MapService.SERVICE_NAME,
                        operation,
                        member.getPartitionService().getPartitionId(keyData))
                .setResultDeserialized(false)
                .setAsync()
                .invoke();
    }
}
