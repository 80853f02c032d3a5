package io.gatehouse.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.ClusterSettings;
import io.gatehouse.cluster.LoopbackPorts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Local leases over two real Hazelcast members on loopback. */
class LeasedRateLimitsTest {
    private static final long[] ONE_REQUEST_500_TOKENS = {1, 500};
    private static final long[] BUSY = {10_000, 1_000_000};

    private static final List<ClusterMember> members = new ArrayList<>();
    private static final AtomicInteger keys = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeAll
    static void formCluster() throws Exception {
        int base = LoopbackPorts.freeBlock(2);
        List<String> addresses = List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 1));
        for (int i = 0; i < 2; i++) {
            members.add(ClusterMember.start(
                    new ClusterSettings("lease-test-" + base, "node-" + i, "127.0.0.1", base + i, addresses, false, 2),
                    "test"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (members.get(0).members().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(members.get(0).members()).hasSize(2);
    }

    @AfterAll
    static void stop() {
        members.forEach(ClusterMember::close);
    }

    private LeasedRateLimits leased(int member, double share) {
        return new LeasedRateLimits(members.get(member).rateLimits(), () -> share, clock::get);
    }

    private static String newKey() {
        return "rt:lease-test-" + keys.incrementAndGet();
    }

    /** A new busy key, checked once through {@code limits}: its lease holds a batch. */
    private static String borrowedKey(LeasedRateLimits limits) throws Exception {
        String key = newKey();
        limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS).get(10, TimeUnit.SECONDS);
        return key;
    }

    /** What the owner's bucket has left, as a check of nothing at the owner answers. */
    private static List<Long> leftAtOwner(String key, long[] capacities) throws Exception {
        return members
                .get(0)
                .rateLimits()
                .takeAll(key, capacities, new long[capacities.length])
                .get(10, TimeUnit.SECONDS)
                .stream()
                .map(BucketResult::remaining)
                .toList();
    }

    @Test
    void aBusyKeyBorrowsABatchWithItsFirstCheckAndGrantsTheNextOnesLocally() throws Exception {
        LeasedRateLimits limits = leased(0, 0.02); // two members: a batch is 1% of each limit
        String key = newKey();
        long started = System.nanoTime();

        List<BucketResult> first =
                limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS).get(10, TimeUnit.SECONDS);
        CompletableFuture<List<BucketResult>> second = limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS);

        assertThat(second).isDone(); // no cluster operation: answered on this thread
        assertThat(first).allMatch(BucketResult::granted);
        assertThat(first).extracting(BucketResult::remaining).containsExactly(9_999L, 999_500L);
        assertThat(second.join()).extracting(BucketResult::remaining).containsExactly(9_998L, 999_000L);
        // The owner lent a batch of 100 requests and 10,000 tokens beyond the first check's amounts.
        assertLeft(key, BUSY, List.of(9_899L, 989_500L), started);
        limits.close();
    }

    @Test
    void smallLimitsAreAlwaysCheckedAtTheirOwner() throws Exception {
        LeasedRateLimits limits = leased(0, 0.1);
        String key = newKey();
        long started = System.nanoTime();
        long[] small = {60}; // a batch of 3 would cover fewer than 4 checks

        limits.takeAll(key, small, new long[] {1}).get(10, TimeUnit.SECONDS);
        CompletableFuture<List<BucketResult>> second = limits.takeAll(key, small, new long[] {1});

        assertThat(second.get(10, TimeUnit.SECONDS).get(0).remaining()).isBetween(58L, 59L);
        assertThat(limits.leasedKeys()).isZero();
        assertLeft(key, small, List.of(58L), started);
    }

    @Test
    void noShareMeansNoLeases() throws Exception {
        LeasedRateLimits limits = leased(0, 0);
        String key = newKey();
        long started = System.nanoTime();

        limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS).get(10, TimeUnit.SECONDS);

        assertThat(limits.leasedKeys()).isZero();
        assertLeft(key, BUSY, List.of(9_999L, 999_500L), started);
    }

    @Test
    void settlingAReservationGoesToTheLeaseAndAnIdleLeaseIsReturned() throws Exception {
        LeasedRateLimits limits = leased(1, 0.02);
        long started = System.nanoTime();
        String key = borrowedKey(limits);
        limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS).join();

        limits.adjustAll(key, BUSY, new long[] {0, 300}); // the call used 200 of the 500 reserved
        limits.adjustAll(key, BUSY, new long[] {0, -1_000}); // another used 1,500

        List<BucketResult> third =
                limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS).join();
        assertThat(third).extracting(BucketResult::remaining).containsExactly(9_997L, 997_800L);
        assertLeft(key, BUSY, List.of(9_899L, 989_500L), started); // the owner saw none of it

        clock.addAndGet(LeasedRateLimits.IDLE.toNanos());
        limits.returnIdleLeases();

        assertThat(limits.leasedKeys()).isZero();
        awaitLeft(key, BUSY, List.of(9_997L, 997_800L), started);
    }

    @Test
    void aLeaseOutlivesACallersPause() throws Exception {
        LeasedRateLimits limits = leased(0, 0.02);
        String key = borrowedKey(limits);

        // A caller that reads an answer for half a minute before its next request keeps its lease.
        clock.addAndGet(LeasedRateLimits.IDLE.toNanos() - TimeUnit.MILLISECONDS.toNanos(1));
        limits.returnIdleLeases();

        assertThat(limits.leasedKeys()).isOne();
        assertThat(limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS)).isDone(); // granted from the lease
        limits.close();
    }

    @Test
    void aLeaseInUseIsRenewedInTheBackgroundSoNoCheckWaitsForABorrow() throws Exception {
        LeasedRateLimits limits = leased(0, 0.02); // batches of 100 requests and 10,000 tokens
        long started = System.nanoTime();
        String key = borrowedKey(limits);
        long step = LeasedRateLimits.RENEW_AFTER.toNanos() / 2;

        clock.addAndGet(step);
        assertThat(limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS)).isDone();
        clock.addAndGet(step);
        // Old enough to renew: granted from the lease, which is topped up to a full batch meanwhile.
        assertThat(limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS)).isDone();
        awaitHeld(limits, key, 100, 10_000);
        assertLeft(key, BUSY, List.of(9_897L, 988_500L), started);

        // Later checks are granted at once too, from the renewed lease.
        for (int i = 0; i < 3; i++) {
            clock.addAndGet(step);
            assertThat(limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS)).isDone();
        }
        limits.returnIdleLeases();
        assertThat(limits.leasedKeys()).isOne();
        limits.close();
    }

    @Test
    void aLeaseHalfSpentIsToppedUpInTheBackground() throws Exception {
        LeasedRateLimits limits = leased(0, 0.02);
        long started = System.nanoTime();
        String key = borrowedKey(limits);

        // Ten more checks leave the lease 5,000 of its 10,000 tokens, the eleventh less than half.
        for (int i = 0; i < 11; i++) {
            assertThat(limits.takeAll(key, BUSY, ONE_REQUEST_500_TOKENS)).isDone();
        }

        // The eleventh asked the owner for what fills the lease again: 11 requests, 5,500 tokens.
        awaitHeld(limits, key, 100, 10_000);
        assertLeft(key, BUSY, List.of(9_888L, 984_000L), started);
        limits.close();
    }

    @Test
    void nearALimitALeaseIsNotRenewedAndGoesBackAtItsMaximumAge() throws Exception {
        long[] capacities = {200};
        LeasedRateLimits limits = leased(0, 0.5); // batches of 50
        String key = newKey();
        long started = System.nanoTime();
        members.get(0).rateLimits().takeAll(key, capacities, new long[] {90}).get(10, TimeUnit.SECONDS);

        // 109 left after this check: the owner lends only the 9 above half of the bucket.
        limits.takeAll(key, capacities, new long[] {1}).get(10, TimeUnit.SECONDS);
        assertLeft(key, capacities, List.of(100L), started);

        long step = LeasedRateLimits.MAX_AGE.toNanos() / 4;
        for (long age = step; age < LeasedRateLimits.MAX_AGE.toNanos(); age += step) {
            clock.addAndGet(step);
            assertThat(limits.takeAll(key, capacities, new long[] {1})).isDone();
        }
        clock.addAndGet(step);
        limits.returnIdleLeases();

        assertThat(limits.leasedKeys()).isZero();
        // Three of the nine were used; six went back, and no top-up was asked for.
        awaitLeft(key, capacities, List.of(106L), started);
        limits.close();
    }

    @Test
    void aLeaseForOtherLimitsIsReturnedFirst() throws Exception {
        LeasedRateLimits limits = leased(0, 0.02);
        long started = System.nanoTime();
        String key = borrowedKey(limits);

        long[] changed = {20_000, 1_000_000};
        List<BucketResult> answer =
                limits.takeAll(key, changed, ONE_REQUEST_500_TOKENS).get(10, TimeUnit.SECONDS);

        assertThat(answer.get(0).limit()).isEqualTo(20_000);
        // The old lease's 100 requests and 10,000 tokens went back. The new one borrowed 10,000 tokens
        // but no requests: 9,999 of 20,000 is less than half, and the owner lends only above half.
        awaitLeft(key, changed, List.of(9_998L, 989_000L), started);
        limits.close();
    }

    @Test
    void leasesNeverAdmitMoreThanTheLimitAndNearItEveryCheckIsExact() throws Exception {
        long limit = 400;
        long[] capacities = {limit};
        LeasedRateLimits a = leased(0, 0.1); // batches of 20 per member
        LeasedRateLimits b = leased(1, 0.1);
        String key = newKey();
        long started = System.nanoTime();

        AtomicInteger granted = new AtomicInteger();
        List<CompletableFuture<?>> checks = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            LeasedRateLimits side = i % 2 == 0 ? a : b;
            checks.add(side.takeAll(key, capacities, new long[] {1}).thenAccept(answer -> {
                if (answer.get(0).granted()) {
                    granted.incrementAndGet();
                }
            }));
            if (i % 50 == 0) {
                CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;

        long refill = (long) Math.ceil(limit * seconds / 60);
        assertThat((long) granted.get()).isBetween(limit - 1, limit + refill);
        a.close();
        b.close();
    }

    /**
     * Asserts what the owner's bucket has left: {@code expected}, plus at most what it refilled since
     * {@code since}.
     */
    private static void assertLeft(String key, long[] capacities, List<Long> expected, long since) throws Exception {
        List<Long> left = leftAtOwner(key, capacities);
        for (int i = 0; i < capacities.length; i++) {
            assertThat(left.get(i)).isBetween(expected.get(i), expected.get(i) + refill(capacities[i], since));
        }
    }

    private static long refill(long capacity, long since) {
        return capacity * TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) / 60_000 + 1;
    }

    private static void awaitHeld(LeasedRateLimits limits, String key, long... expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Arrays.equals(limits.held(key), expected) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(limits.held(key)).containsExactly(expected);
    }

    private static void awaitLeft(String key, long[] capacities, List<Long> expected, long since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                assertLeft(key, capacities, expected, since);
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(20);
            }
        }
    }
}
