package io.gatehouse.cluster.config;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The cluster-wide channel for configuration versions. The node that commits a change announces its
 * version; every node then loads and applies it and reports the version it runs. Announcements are
 * best effort: one made while the cluster is split does not reach the other side, so nodes also poll
 * the database for the latest version. Thread-safe.
 */
public interface ConfigBus {
    /**
     * Tells every member (this one included) that {@code version} is committed. Non-blocking, never
     * throws for cluster trouble (it is logged). Also raises the cluster-wide {@link #latest()} to at
     * least {@code version}.
     *
     * @throws IllegalArgumentException if {@code version} is negative
     */
    void announce(long version);

    /**
     * Registers a listener called with each announced version (also those this member announces), on a
     * non-IO thread; it must return quickly. Versions may arrive more than once or out of order (two
     * members announcing at once): compare with the version running before applying. Returns a handle
     * whose {@code close()} unregisters.
     */
    AutoCloseable onAnnounce(LongConsumer listener);

    /**
     * Records that this member now runs {@code version} (visible to every member; replaces its earlier
     * report). Non-blocking.
     *
     * @throws IllegalArgumentException if {@code version} is negative
     */
    void reportApplied(long version);

    /**
     * The version each live member reports, by member id (members that have not reported yet are
     * absent). Members that left are never listed.
     */
    Map<String, AppliedVersion> applied();

    /**
     * The highest version announced in the cluster so far (0 when none); survives the announcing member
     * leaving as long as the cluster has a member with the data.
     */
    long latest();

    /**
     * Completes with true as soon as every live member reports a version {@code >= version}, false
     * when {@code timeout} passes first. Never completes exceptionally for cluster trouble.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    CompletableFuture<Boolean> awaitConverged(long version, Duration timeout);
}
