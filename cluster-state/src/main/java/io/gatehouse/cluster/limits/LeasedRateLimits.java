package io.gatehouse.cluster.limits;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link RateLimits} that serves busy token buckets from local leases, so that most checks of a hot
 * key cost no cluster operation and no thread hand-off. A check that the node's lease of the key
 * cannot cover goes to the key's owner as usual and, in the same operation, borrows a batch for the
 * lease; the checks after it are granted from the batch on the calling thread. A lease in use is
 * topped up in the background before it runs out or grows old (half spent, or {@link #RENEW_AFTER}
 * old), so a caller who keeps calling waits for no borrow after its first. Settling a reservation
 * (putting back or taking more) goes to the lease too.
 *
 * <p>The bounds, which docs/configuration.md states for users:
 *
 * <ul>
 *   <li>A batch is {@code limit × share / expected members}, so the nodes together hold at most
 *       {@code share} of a limit ({@code limits.local_lease}; 0 turns leases off).
 *   <li>A key is leased only when a batch covers at least {@value #MIN_REQUESTS_PER_BATCH} checks of
 *       the size asked, so small limits are always checked at their owner, exactly.
 *   <li>The owner lends only what leaves the bucket at least half full: near a limit every check is
 *       exact, and a refusal returns the node's lease of that key at once.
 *   <li>Leased quota is taken from the cluster's bucket before it is granted, so leases never admit
 *       more than the limit; what they held when a window began is all a window can see beyond it.
 *       A lease is returned once idle for {@link #IDLE}, or, once the owner lent it less than it
 *       asked for (near a limit; such a lease is not renewed), {@link #MAX_AGE} after the last time
 *       it lent all; and when the node stops. One held by a node that dies counts as used.
 * </ul>
 *
 * The remaining-quota figures of a check granted from a lease are the owner's last answer plus what
 * the lease holds. Concurrency slots and single buckets are never leased. Thread-safe.
 */
public final class LeasedRateLimits implements RateLimits, AutoCloseable {
    static final int MIN_REQUESTS_PER_BATCH = 4;
    /** A lease not used for this long goes back: a caller's pause to read an answer keeps it. */
    static final Duration IDLE = Duration.ofSeconds(30);
    /**
     * A lease in use this old is topped up in the background, which renews its age, so that the
     * remaining figures its checks report stay recent. Half a minute rather than a few seconds: a
     * top-up due after a caller's pause of a few seconds ran beside its first requests and slowed
     * them (docs/performance.md, fifteenth round).
     */
    static final Duration RENEW_AFTER = Duration.ofSeconds(30);
    /** A lease the owner could not fill (its bucket near half) goes back this long after its last full lend. */
    static final Duration MAX_AGE = Duration.ofSeconds(10);

    private static final long SWEEP_MILLIS = 250;

    private final HazelcastRateLimits cluster;
    private final DoubleSupplier share;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final LongAdder grantedFromLeases = new LongAdder();
    private final LongAdder sentToOwners = new LongAdder();
    private @Nullable ScheduledFuture<?> sweeper;
    private volatile boolean closed;

    /**
     * Leases from {@code cluster}; {@code share} is read at every check (it follows configuration
     * changes), and {@code scheduler} returns idle and old leases.
     */
    public LeasedRateLimits(HazelcastRateLimits cluster, DoubleSupplier share, ScheduledExecutorService scheduler) {
        this(cluster, share, System::nanoTime);
        this.sweeper = scheduler.scheduleWithFixedDelay(
                this::returnIdleLeases, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** With a clock of the caller's, and no sweeping but the caller's calls to {@link #returnIdleLeases}. */
    LeasedRateLimits(HazelcastRateLimits cluster, DoubleSupplier share, LongSupplier nanoTime) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.share = requireNonNull(share, "share");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public CompletableFuture<List<BucketResult>> takeAll(String key, long[] capacities, long[] amounts) {
        long[] batch = batch(capacities, amounts);
        if (batch == null || closed) {
            sentToOwners.increment();
            return cluster.takeAll(key, capacities, amounts);
        }
        long now = nanoTime.getAsLong();
        Lease lease = leaseOf(key, capacities, now);
        List<BucketResult> granted;
        long[] extras;
        synchronized (lease) {
            granted = lease.grant(amounts, now);
            extras = granted == null || lease.dueForTopUp(batch, now) ? lease.startTopUp(batch) : null;
        }
        if (granted != null) {
            grantedFromLeases.increment();
            if (extras != null) {
                // Ahead of need: nothing waits for it, and the checks meanwhile are granted from what is left.
                topUp(key, lease, capacities, new long[capacities.length], extras, now);
            }
            return CompletableFuture.completedFuture(granted);
        }
        sentToOwners.increment();
        if (extras == null) {
            // Another check of this key is topping the lease up (or the lease was just returned):
            // this one asks the owner for its own amounts alone.
            return cluster.takeAll(key, capacities, amounts).thenApply(answers -> {
                if (!allGranted(answers)) {
                    retire(key, lease);
                }
                return answers;
            });
        }
        return topUp(key, lease, capacities, amounts, extras, now);
    }

    /**
     * Takes {@code amounts} at the owner and borrows {@code extras} for the lease, for a check made
     * at {@code asked}; the take's answers, seen through the lease once the top-up is added to it.
     */
    private CompletableFuture<List<BucketResult>> topUp(
            String key, Lease lease, long[] capacities, long[] amounts, long[] extras, long asked) {
        return cluster.takeAllAndLend(key, capacities, amounts, extras)
                .whenComplete((lent, failure) -> {
                    if (failure != null) {
                        synchronized (lease) {
                            lease.topUpEnded();
                        }
                    }
                })
                .thenApply(lent -> received(key, lease, capacities, lent, asked));
    }

    /**
     * Adds a top-up asked for by a check (at {@code asked}) to the lease; a refusal returns the
     * lease, being near the limit.
     */
    private List<BucketResult> received(
            String key, Lease lease, long[] capacities, HazelcastRateLimits.Lent lent, long asked) {
        boolean granted = allGranted(lent.answers());
        synchronized (lease) {
            lease.topUpEnded();
            if (granted) {
                List<BucketResult> answers = lease.add(lent, asked);
                if (answers != null) {
                    lease.usedAt(asked);
                    return answers;
                }
            }
        }
        cluster.adjustAll(key, capacities, lent.extras()); // lent to a lease closed meanwhile
        if (!granted) {
            retire(key, lease);
        }
        return lent.answers();
    }

    @Override
    public void adjustAll(String key, long[] capacities, long[] amounts) {
        Lease lease = leases.get(key);
        long[] rest = amounts;
        if (lease != null) {
            long[] batch = batch(capacities, new long[capacities.length]);
            synchronized (lease) {
                if (batch != null) {
                    rest = lease.settle(capacities, amounts, batch);
                }
            }
        }
        cluster.adjustAll(key, capacities, rest);
    }

    @Override
    public CompletableFuture<BucketResult> take(String key, long capacity, long amount) {
        return cluster.take(key, capacity, amount);
    }

    @Override
    public void adjust(String key, long capacity, long amount) {
        cluster.adjust(key, capacity, amount);
    }

    @Override
    public CompletableFuture<BucketResult> acquireSlot(String key, long limit, String leaseId) {
        return cluster.acquireSlot(key, limit, leaseId);
    }

    @Override
    public void releaseSlot(String key, String leaseId) {
        cluster.releaseSlot(key, leaseId);
    }

    /** Returns to the cluster every lease idle for {@link #IDLE}, or near a limit and older than {@link #MAX_AGE}. */
    void returnIdleLeases() {
        long now = nanoTime.getAsLong();
        leases.forEach((key, lease) -> {
            boolean due;
            synchronized (lease) {
                due = lease.dueAt(now);
            }
            if (due) {
                retire(key, lease);
            }
        });
    }

    /** How many {@link #takeAll} checks were granted at once from a lease, so far. */
    public long grantedFromLeases() {
        return grantedFromLeases.sum();
    }

    /** How many {@link #takeAll} checks went to their key's owner (not leased, or the lease short), so far. */
    public long sentToOwners() {
        return sentToOwners.sum();
    }

    /** How many keys this node holds a lease of; for tests and diagnostics. */
    int leasedKeys() {
        return leases.size();
    }

    /** What this node's lease of {@code key} holds per bucket, or null if none; for tests and diagnostics. */
    long @Nullable [] held(String key) {
        Lease lease = leases.get(key);
        if (lease == null) {
            return null;
        }
        synchronized (lease) {
            return lease.held.clone();
        }
    }

    /** Returns every lease; later checks go to the owners. */
    @Override
    public void close() {
        closed = true;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        leases.forEach(this::retire);
    }

    /**
     * The batch a lease of these buckets tops up to, or null if the key is not to be leased: leases
     * are off, or a batch would cover fewer than {@value #MIN_REQUESTS_PER_BATCH} checks of these
     * amounts.
     */
    private long @Nullable [] batch(long[] capacities, long[] amounts) {
        double share = this.share.getAsDouble();
        if (!(share > 0)) {
            return null;
        }
        int members = Math.max(1, cluster.expectedMembers());
        long[] batch = new long[capacities.length];
        for (int i = 0; i < capacities.length; i++) {
            batch[i] = (long) (capacities[i] * share / members);
            if (batch[i] < MIN_REQUESTS_PER_BATCH * Math.max(1, amounts[i])) {
                return null;
            }
        }
        return batch;
    }

    /** This node's lease of {@code key} for these capacities; one for other capacities is returned first. */
    private Lease leaseOf(String key, long[] capacities, long now) {
        Lease lease = leases.get(key);
        if (lease != null && lease.serves(capacities)) {
            return lease;
        }
        if (lease != null) {
            retire(key, lease); // the limits changed
        }
        return leases.compute(
                key,
                (k, current) -> current != null && current.serves(capacities) ? current : new Lease(capacities, now));
    }

    /** Closes {@code lease}, forgets it, and gives what it holds back to the cluster. */
    private void retire(String key, Lease lease) {
        long[] held;
        synchronized (lease) {
            held = lease.close();
        }
        leases.remove(key, lease);
        if (held != null) {
            cluster.adjustAll(key, lease.capacities, held);
        }
    }

    private static boolean allGranted(List<BucketResult> answers) {
        for (BucketResult answer : answers) {
            if (!answer.granted()) {
                return false;
            }
        }
        return true;
    }

    /** One node's lease of one key's buckets. Guarded by its own monitor; {@link #capacities} is immutable. */
    private static final class Lease {
        final long[] capacities;
        /** What the lease holds per bucket: lent to this node and not granted yet. */
        private final long[] held;
        /** From the owner's last answer, per bucket: the limit in force, what it had left, when it refills. */
        private final long[] limits;

        private final long[] remaining;
        private final long[] resetMillis;
        /** When the owner last lent the lease all it asked for; its age is counted from then. */
        private long renewed;

        private long lastUsed;
        private boolean toppingUp;
        /** Every top-up got all it asked for: the buckets are far from their limits. */
        private boolean lentInFull = true;

        private boolean closed;

        Lease(long[] capacities, long now) {
            this.capacities = capacities.clone();
            this.held = new long[capacities.length];
            this.limits = capacities.clone();
            this.remaining = new long[capacities.length];
            this.resetMillis = new long[capacities.length];
            this.renewed = now;
            this.lastUsed = now;
        }

        boolean serves(long[] capacities) {
            synchronized (this) {
                return !closed && Arrays.equals(this.capacities, capacities);
            }
        }

        /** Grants {@code amounts} from what the lease holds, or null if it holds too little. */
        @Nullable
        List<BucketResult> grant(long[] amounts, long now) {
            if (closed || amounts.length != held.length) {
                return null;
            }
            for (int i = 0; i < amounts.length; i++) {
                if (held[i] < amounts[i]) {
                    return null;
                }
            }
            for (int i = 0; i < amounts.length; i++) {
                held[i] -= amounts[i];
            }
            lastUsed = now;
            return answers();
        }

        /** The extras to ask for to fill the lease up to {@code batch}; null if a top-up is under way. */
        long @Nullable [] startTopUp(long[] batch) {
            if (toppingUp || closed) {
                return null;
            }
            toppingUp = true;
            long[] extras = new long[batch.length];
            for (int i = 0; i < batch.length; i++) {
                extras[i] = Math.max(0, batch[i] - held[i]);
            }
            return extras;
        }

        void topUpEnded() {
            toppingUp = false;
        }

        /**
         * Whether a check just granted should top the lease up in the background: it is half spent
         * or {@link #RENEW_AFTER} old, no top-up is under way, and the owner lent all it asked for so
         * far (near a limit it does not, and the lease is left to run out or go back).
         */
        boolean dueForTopUp(long[] batch, long now) {
            if (toppingUp || closed || !lentInFull) {
                return false;
            }
            if (now - renewed >= RENEW_AFTER.toNanos()) {
                return true;
            }
            for (int i = 0; i < held.length; i++) {
                if (held[i] < batch[i] / 2) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Adds what the owner lent with a granted take, asked for at {@code asked}; the take's answers,
         * seen through the lease, or null if the lease was closed meanwhile. A lease lent all it asked
         * for is renewed: its age counts from {@code asked}.
         */
        @Nullable
        List<BucketResult> add(HazelcastRateLimits.Lent lent, long asked) {
            if (closed) {
                return null;
            }
            boolean inFull = true;
            for (int i = 0; i < held.length; i++) {
                BucketResult answer = lent.answers().get(i);
                inFull &= lent.extras()[i] >= lent.asked()[i];
                held[i] += lent.extras()[i];
                limits[i] = answer.limit();
                remaining[i] = answer.remaining();
                resetMillis[i] = answer.resetMillis();
            }
            lentInFull &= inFull;
            if (inFull) {
                renewed = Math.max(renewed, asked);
            }
            return answers();
        }

        void usedAt(long at) {
            lastUsed = Math.max(lastUsed, at);
        }

        /**
         * Settles {@code amounts} as {@link RateLimits#adjustAll} does, against the lease: a positive
         * amount is put back into it up to {@code batch}, a negative one taken from what it holds.
         * Returns what the lease could not absorb, for the owner.
         */
        long[] settle(long[] capacities, long[] amounts, long[] batch) {
            if (closed || !Arrays.equals(this.capacities, capacities)) {
                return amounts;
            }
            long[] rest = new long[amounts.length];
            for (int i = 0; i < amounts.length; i++) {
                // Put back into the lease up to its batch; take more from what it holds.
                long change = amounts[i] > 0
                        ? Math.min(amounts[i], Math.max(0, batch[i] - held[i]))
                        : -Math.min(-amounts[i], held[i]);
                held[i] += change;
                rest[i] = amounts[i] - change;
            }
            return rest;
        }

        boolean dueAt(long now) {
            return !toppingUp
                    && (now - lastUsed >= IDLE.toNanos() || (!lentInFull && now - renewed >= MAX_AGE.toNanos()));
        }

        /** Closes the lease; what it held (null if already closed), to give back. */
        long @Nullable [] close() {
            if (closed) {
                return null;
            }
            closed = true;
            return held.clone();
        }

        private List<BucketResult> answers() {
            List<BucketResult> answers = new ArrayList<>(held.length);
            for (int i = 0; i < held.length; i++) {
                answers.add(new BucketResult(true, limits[i], remaining[i] + held[i], resetMillis[i], 0));
            }
            return answers;
        }
    }
}
