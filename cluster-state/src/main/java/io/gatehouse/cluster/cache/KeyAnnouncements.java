package io.gatehouse.cluster.cache;

import static java.util.Objects.requireNonNull;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.MessageListener;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the other members which keys this one stored, and adds theirs to this member's {@link
 * KeyIndex}: in batches on a topic, {@value #FLUSH_MILLIS} ms after the first key of a batch, so that
 * storing an answer costs no cluster message of its own, and a member that stores nothing is never
 * woken for it. A member alone in its cluster announces nothing. {@link #close} stops announcing.
 * Thread-safe.
 */
final class KeyAnnouncements implements MessageListener<String[]>, AutoCloseable {
    static final String TOPIC = "gatehouse.cache.keys";
    static final long FLUSH_MILLIS = 10;
    private static final int MAX_BATCH = 1024;

    private final HazelcastInstance hazelcast;
    private final KeyIndex index;
    private final ITopic<String[]> topic;
    private final UUID listener;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gatehouse-cache-keys").daemon().factory());

    KeyAnnouncements(HazelcastInstance hazelcast, KeyIndex index) {
        this.hazelcast = requireNonNull(hazelcast, "hazelcast");
        this.index = requireNonNull(index, "index");
        this.topic = hazelcast.getTopic(TOPIC);
        this.listener = topic.addMessageListener(this);
    }

    /** Announces {@code key} with the next batch. */
    void stored(String key) {
        if (hazelcast.getCluster().getMembers().size() > 1) {
            pending.add(key);
            if (flushScheduled.compareAndSet(false, true)) {
                try {
                    flusher.schedule(this::flush, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    pending.clear();
                }
            }
        }
    }

    private void flush() {
        flushScheduled.set(false); // a key added from now on schedules the next flush
        try {
            while (!pending.isEmpty()) {
                List<String> batch = new ArrayList<>();
                String key;
                while (batch.size() < MAX_BATCH && (key = pending.poll()) != null) {
                    batch.add(key);
                }
                topic.publish(batch.toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            pending.clear(); // the cluster is going away; the keys are a hint, and may be lost
        }
    }

    @Override
    public void onMessage(Message<String[]> message) {
        if (message.getPublishingMember() != null
                && message.getPublishingMember().localMember()) {
            return; // this member's own keys are in its index already
        }
        for (String key : message.getMessageObject()) {
            index.add(key);
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        try {
            topic.removeMessageListener(listener);
        } catch (RuntimeException e) {
            // the member is shut down already
        }
    }
}
