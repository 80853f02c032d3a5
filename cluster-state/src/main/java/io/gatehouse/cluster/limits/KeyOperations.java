package io.gatehouse.cluster.limits;

import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.spi.impl.NodeEngine;
import io.gatehouse.cluster.Completions;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Runs entry processors of one map on the member that owns each key, with no thread hand-off on
 * this side: the answer arrives on the thread that completed the operation (the partition thread
 * for a key this member owns, else the response thread), and nothing runs on Hazelcast's default
 * executor. {@code IMap.submitToKey} wraps the operation's future in one that completes itself
 * through that executor, one task and one thread wake-up per operation even when nothing waits for
 * the answer; this goes through the member's map proxy for the operation's own future instead (see
 * docs/decisions/0005-limit-operations-on-the-answering-thread.md). For a member's maps only.
 * Thread-safe.
 */
final class KeyOperations<V> {
    private final MapProxyImpl<String, V> map;
    private final NodeEngine member;

    KeyOperations(IMap<String, V> map) {
        this.map = (MapProxyImpl<String, V>) map;
        this.member = this.map.getNodeEngine();
    }

    /**
     * Runs {@code processor} on {@code key}'s owner; its answer, converted, as a plain future completed
     * on the thread that completed the operation. Whatever the caller chains to it without an
     * executor of its own runs there too, so callers must chain only non-blocking work, such as
     * handing the answer to their own thread, as the request path does.
     */
    <T, R> CompletableFuture<R> submit(String key, EntryProcessor<String, V, T> processor, Function<T, R> convert) {
        return Completions.onCompletingThread(
                map.executeOnKeyInternal(key, aware(processor)),
                answer -> convert.apply(member.getSerializationService().<T>toObject(answer)));
    }

    /** Runs {@code processor} on {@code key}'s owner, its answer not wanted. */
    void send(String key, EntryProcessor<String, V, ?> processor) {
        map.executeOnKeyInternal(key, aware(processor));
    }

    /** As {@code submitToKey} does: a processor run by this member itself gets the instance it runs in. */
    private <P extends EntryProcessor<String, V, ?>> P aware(P processor) {
        if (processor instanceof HazelcastInstanceAware aware) {
            aware.setHazelcastInstance(member.getHazelcastInstance());
        }
        return processor;
    }
}
