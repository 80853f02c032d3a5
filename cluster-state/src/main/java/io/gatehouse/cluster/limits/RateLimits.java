package io.gatehouse.cluster.limits;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster-wide limits: token buckets (requests or tokens per minute) and concurrency slots, each
 * updated atomically on the member that owns its key, in one network hop. Every call is
 * non-blocking. Thread-safe.
 */
public interface RateLimits {

    /**
     * Takes {@code amount} from the bucket {@code key}, which holds up to {@code capacity} and
     * refills {@code capacity} per minute. Refused if less than {@code amount} is left.
     */
    CompletableFuture<BucketResult> take(String key, long capacity, long amount);

    /**
     * Settles a reservation: puts back {@code amount} (capped at the capacity), or, when negative,
     * takes {@code -amount} more even if that overdraws the bucket (actual use above the estimate
     * must still count). Fire-and-forget.
     */
    void adjust(String key, long capacity, long amount);

    /**
     * Takes {@code amounts[i]} from bucket {@code i} of the buckets kept together under {@code key}
     * (each holding up to {@code capacities[i]} and refilling that per minute), all or nothing: if
     * any bucket has less than its amount left, none is taken from. One operation for all of them.
     * The answers come in the order of the buckets.
     */
    CompletableFuture<List<BucketResult>> takeAll(String key, long[] capacities, long[] amounts);

    /**
     * Settles reservations on buckets kept together under {@code key}, each as {@link #adjust}
     * would. Fire-and-forget.
     */
    void adjustAll(String key, long[] capacities, long[] amounts);

    /**
     * Takes one of {@code limit} concurrency slots of {@code key} for the lease {@code leaseId}.
     * Leases of a member that leaves the cluster are released by the others; every lease also
     * expires after a generous time-to-live, so no slot is held forever.
     */
    CompletableFuture<BucketResult> acquireSlot(String key, long limit, String leaseId);

    /** Releases a slot taken with {@link #acquireSlot}. Fire-and-forget, idempotent. */
    void releaseSlot(String key, String leaseId);
}
