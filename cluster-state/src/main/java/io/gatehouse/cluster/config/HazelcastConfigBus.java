package io.gatehouse.cluster.config;

import static java.util.Objects.requireNonNull;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.config.TopicConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ConfigBus} on three Hazelcast structures:
 *
 * <ul>
 *   <li>the topic {@value #ANNOUNCEMENTS} carries announcements. A plain topic, not a reliable one: an
 *       announcement is a hint to reload, and one lost (a member joining, a split) is made good by the
 *       nodes polling the database, so a ring buffer to replay it is not worth its memory and backups.
 *       This member's own announcements go to its listeners directly, not through the topic, so they
 *       arrive even when the cluster does not answer.
 *   <li>the replicated map {@value #APPLIED} holds each member's report, by member id. Every member
 *       keeps a full copy, so {@link #applied()}, the admin API's member list and
 *       {@link #awaitConverged} read locally, without a network hop and without blocking when the
 *       cluster is in trouble; there is one small entry per member, so a copy on each costs nothing.
 *       Writes go through the entry's owner and are replicated asynchronously (milliseconds on a LAN).
 *       Every member removes a departed member's entry (removal is idempotent), and reads list live
 *       members only, so an entry that comes back (a write racing the departure, the data of a side of
 *       a split merged back) is never shown.
 *   <li>the map {@value #LATEST} holds the highest version announced, in one entry raised by an entry
 *       processor ({@link RaiseLatest}), with one backup, so it survives any one member leaving.
 * </ul>
 *
 * <p>Listeners are called on this bus's own thread ({@code gatehouse-config-bus-NODE}), one at a time,
 * in the order the announcements reached this member; never on a Hazelcast thread. Futures from
 * {@link #awaitConverged} complete on that thread too (or on the caller's, when already converged):
 * chain slow work with an {@code ...Async} method. Writes of this member's report, which wait for the
 * entry's owner, run on a second thread, coalesced to the latest report, and are retried every second
 * while the cluster does not answer. {@link #awaitConverged} checks every {@value #POLL_MILLIS} ms
 * while anyone waits: local reads of a handful of entries, and a check that cannot miss an event.
 *
 * <p>Member ids are Hazelcast member UUIDs. A member that rejoins after a split gets a new one; it then
 * reports again under the new id and raises the latest version to the highest it has seen, since a
 * merge keeps the larger side's entries.
 *
 * <p>Public only for {@code ClusterMember}, which configures and creates it; other modules see
 * {@link ConfigBus}. Thread-safe.
 */
public final class HazelcastConfigBus implements ConfigBus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HazelcastConfigBus.class);

    static final String ANNOUNCEMENTS = "gatehouse.config.announcements";
    static final String APPLIED = "gatehouse.config.applied";
    static final String LATEST = "gatehouse.config.latest";
    private static final String LATEST_KEY = "latest";
    static final long POLL_MILLIS = 10;
    /** How long {@link #latest()} waits for the cluster before it answers from what this member saw. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    private static final long RETRY_MILLIS = 1_000;

    private final HazelcastInstance hazelcast;
    private final String nodeName;
    private final ITopic<Long> announcements;
    private final ReplicatedMap<String, Report> applied;
    private final IMap<String, Long> latest;

    /** Listener calls, convergence checks and timeouts. */
    private final ScheduledThreadPoolExecutor events;
    /** Writes to the replicated map, which block until the entry's owner answers. */
    private final ExecutorService writes;

    private final List<Subscription> listeners = new CopyOnWriteArrayList<>();
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicLong highestSeen = new AtomicLong();
    private final AtomicReference<@Nullable Report> reported = new AtomicReference<>();
    private final AtomicBoolean writeQueued = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object pollLock = new Object();

    /** The convergence check, scheduled while anyone waits; guarded by {@link #pollLock}. */
    private @Nullable ScheduledFuture<?> poll;
    /** The member id this member's report was last stored under; touched on the writes thread only. */
    private @Nullable String reportedUnder;
    /** Whether the last write failed, to log a failing cluster once; writes thread only. */
    private boolean writeFailing;

    private final UUID topicRegistration;
    private final UUID membershipRegistration;
    private final UUID lifecycleRegistration;

    /** Adds the bus's structures and serialisers to a member's configuration. */
    public static void configure(Config config) {
        requireNonNull(config, "config");
        config.getSerializationConfig()
                .addDataSerializableFactory(ConfigSerializers.FACTORY_ID, new ConfigSerializers());
        config.addTopicConfig(new TopicConfig(ANNOUNCEMENTS).setStatisticsEnabled(false));
        config.addReplicatedMapConfig(new ReplicatedMapConfig(APPLIED)
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setStatisticsEnabled(false));
        config.addMapConfig(new MapConfig(LATEST).setBackupCount(1).setStatisticsEnabled(false));
    }

    /**
     * Joins the bus on a member started from a configuration passed through {@link #configure}.
     *
     * @param nodeName this node's name, shown with its reports
     */
    public HazelcastConfigBus(HazelcastInstance hazelcast, String nodeName) {
        this.hazelcast = requireNonNull(hazelcast, "hazelcast");
        this.nodeName = requireNonNull(nodeName, "nodeName");
        this.announcements = hazelcast.getTopic(ANNOUNCEMENTS);
        this.applied = hazelcast.getReplicatedMap(APPLIED);
        this.latest = hazelcast.getMap(LATEST);
        this.events = new ScheduledThreadPoolExecutor(1, daemon("gatehouse-config-bus-" + nodeName));
        this.events.setRemoveOnCancelPolicy(true);
        this.writes = Executors.newSingleThreadExecutor(daemon("gatehouse-config-writes-" + nodeName));
        this.topicRegistration = announcements.addMessageListener(this::received);
        this.membershipRegistration = hazelcast.getCluster().addMembershipListener(new Departures());
        this.lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(this::lifecycle);
    }

    @Override
    public void announce(long version) {
        checkVersion(version);
        highestSeen.accumulateAndGet(version, Math::max);
        dispatch(version);
        if (closed.get()) {
            return;
        }
        try {
            announcements.publishAsync(version).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    logAnnounceFailure(version, failure);
                }
            });
            raiseLatest(version);
        } catch (RuntimeException e) {
            logAnnounceFailure(version, e);
        }
    }

    @Override
    public AutoCloseable onAnnounce(LongConsumer listener) {
        Subscription subscription = new Subscription(requireNonNull(listener, "listener"));
        listeners.add(subscription);
        return subscription;
    }

    @Override
    public void reportApplied(long version) {
        checkVersion(version);
        reported.set(new Report(nodeName, version, Instant.now()));
        queueWrite();
    }

    /** {@inheritDoc} Oldest member first; empty once this bus is closed. */
    @Override
    public Map<String, AppliedVersion> applied() {
        if (closed.get()) {
            return Map.of();
        }
        Map<String, AppliedVersion> result = new LinkedHashMap<>();
        try {
            for (Member member : hazelcast.getCluster().getMembers()) {
                String id = member.getUuid().toString();
                Report report = reportOf(member, id);
                if (report != null) {
                    result.put(id, report.view(id));
                }
            }
        } catch (RuntimeException e) {
            // Only when the member is shutting down underneath: what was read so far is all there is.
            log.debug("config versions read while the member stops", e);
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * {@inheritDoc} Reads the cluster's value (waiting up to {@code READ_TIMEOUT}); when the cluster
     * does not answer, logs it and returns the highest version this member has seen announced.
     */
    @Override
    public long latest() {
        if (!closed.get()) {
            try {
                Long value = latest.getAsync(LATEST_KEY)
                        .toCompletableFuture()
                        .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (value != null) {
                    return highestSeen.accumulateAndGet(value, Math::max);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.warn(
                        "could not read the latest config version from the cluster, answering {} (the highest this node saw): {}",
                        highestSeen.get(),
                        e.toString());
            }
        }
        return highestSeen.get();
    }

    @Override
    public CompletableFuture<Boolean> awaitConverged(long version, Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        if (closed.get()) {
            result.complete(false);
            return result;
        }
        if (converged(version)) {
            result.complete(true);
            return result;
        }
        Waiter waiter = new Waiter(version, result);
        waiters.add(waiter);
        try {
            ScheduledFuture<?> timer =
                    events.schedule(() -> result.complete(false), saturatedNanos(timeout), TimeUnit.NANOSECONDS);
            result.whenComplete((converged, failure) -> {
                waiters.remove(waiter);
                timer.cancel(false);
            });
            synchronized (pollLock) {
                if (poll == null) {
                    poll = events.scheduleWithFixedDelay(
                            this::checkWaiters, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (RejectedExecutionException closing) {
            result.complete(false);
        }
        return result;
    }

    /** Stops listening and fails nothing: pending waits complete with false. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listeners.clear();
        try {
            announcements.removeMessageListener(topicRegistration);
            hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        } catch (RuntimeException e) {
            log.debug("config bus listeners not removed; the member is stopping", e);
        }
        events.shutdownNow();
        writes.shutdownNow();
        for (Waiter waiter : waiters) {
            waiter.result().complete(false);
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static void checkVersion(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
        }
    }

    /** An announcement through the topic, on a Hazelcast event thread: hand it to the bus thread. */
    private void received(Message<Long> message) {
        Member publisher = message.getPublishingMember();
        if (publisher != null && publisher.localMember()) {
            return; // delivered directly by announce()
        }
        long version = message.getMessageObject();
        highestSeen.accumulateAndGet(version, Math::max);
        dispatch(version);
    }

    private void dispatch(long version) {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            events.execute(() -> {
                for (Subscription subscription : listeners) {
                    subscription.deliver(version);
                }
            });
        } catch (RejectedExecutionException closing) {
            log.debug("config version {} not delivered: the bus is closed", version);
        }
    }

    private void raiseLatest(long version) {
        latest.submitToKey(LATEST_KEY, new RaiseLatest(version)).whenComplete((ignored, failure) -> {
            if (failure != null) {
                logAnnounceFailure(version, failure);
            }
        });
    }

    private void logAnnounceFailure(long version, Throwable failure) {
        if (closed.get()) {
            log.debug("config version {} not announced: the bus is closed", version);
        } else {
            log.warn(
                    "could not announce config version {} to the cluster; other nodes find it when they poll the database: {}",
                    version,
                    failure.toString());
        }
    }

    /** This member's report as the bus knows it (its own, even before the write lands), or another's. */
    private @Nullable Report reportOf(Member member, String id) {
        return member.localMember() ? reported.get() : applied.get(id);
    }

    private boolean converged(long version) {
        try {
            for (Member member : hazelcast.getCluster().getMembers()) {
                Report report = reportOf(member, member.getUuid().toString());
                if (report == null || report.version() < version) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            log.debug("convergence not checked; the member is stopping", e);
            return false;
        }
    }

    private void checkWaiters() {
        for (Waiter waiter : waiters) {
            if (converged(waiter.version())) {
                waiter.result().complete(true);
            }
        }
        synchronized (pollLock) {
            // A waiter added after this emptiness check finds the poll gone and schedules it again.
            if (waiters.isEmpty() && poll != null) {
                poll.cancel(false);
                poll = null;
            }
        }
    }

    private void queueWrite() {
        if (closed.get() || !writeQueued.compareAndSet(false, true)) {
            return; // the queued write will store the newest report
        }
        try {
            writes.execute(this::writeReport);
        } catch (RejectedExecutionException closing) {
            writeQueued.set(false);
        }
    }

    private void writeReport() {
        writeQueued.set(false);
        Report report = reported.get();
        if (report == null || closed.get()) {
            return;
        }
        try {
            String id = hazelcast.getCluster().getLocalMember().getUuid().toString();
            if (reportedUnder != null && !reportedUnder.equals(id)) {
                applied.remove(reportedUnder); // the id this member had before it rejoined
            }
            applied.put(id, report);
            reportedUnder = id;
            if (writeFailing) {
                writeFailing = false;
                log.info("config version {} reported to the cluster again", report.version());
            }
        } catch (RuntimeException e) {
            if (closed.get()) {
                return;
            }
            if (!writeFailing) {
                writeFailing = true;
                log.warn(
                        "could not report config version {} to the cluster, retrying every {} ms: {}",
                        report.version(),
                        RETRY_MILLIS,
                        e.toString());
            }
            try {
                events.schedule(this::queueWrite, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    private void lifecycle(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
            close(); // the member stops without ClusterMember.close(), e.g. terminated
        } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED && !closed.get()) {
            // Rejoined after a split with a new member id, and the larger side's entries won.
            log.info("rejoined the cluster: reporting config version again");
            queueWrite();
            long seen = highestSeen.get();
            if (seen > 0) {
                try {
                    raiseLatest(seen);
                } catch (RuntimeException e) {
                    logAnnounceFailure(seen, e);
                }
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Removes a departed member's report; every member does, so it goes even if some miss the event. */
    private final class Departures implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {}

        @Override
        public void memberRemoved(MembershipEvent event) {
            if (closed.get()) {
                return;
            }
            String id = event.getMember().getUuid().toString();
            try {
                writes.execute(() -> {
                    try {
                        applied.remove(id);
                    } catch (RuntimeException e) {
                        // Reads skip departed members anyway; the entry is only clutter.
                        log.debug("config version of departed member {} not removed", id, e);
                    }
                });
            } catch (RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    private final class Subscription implements AutoCloseable {
        private final LongConsumer listener;
        private volatile boolean open = true;

        Subscription(LongConsumer listener) {
            this.listener = listener;
        }

        void deliver(long version) {
            if (!open) {
                return;
            }
            try {
                listener.accept(version);
            } catch (RuntimeException e) {
                log.warn("config version listener failed on version {}", version, e);
            }
        }

        @Override
        public void close() {
            open = false;
            listeners.remove(this);
        }
    }

    private record Waiter(long version, CompletableFuture<Boolean> result) {}
}
