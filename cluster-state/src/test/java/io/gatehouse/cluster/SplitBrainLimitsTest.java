package io.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.test.HazelcastTestSupport;
import com.hazelcast.test.SplitBrainTestSupport;
import com.hazelcast.test.TestHazelcastInstanceFactory;
import io.gatehouse.cluster.limits.BucketResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split-brain rule for limits on four real Hazelcast members that expect four: cut 2|2, each side
 * enforces at most its share (half) of a limit and the two sides together at most the whole; once
 * healed, the cluster is whole again and the full limit applies. The members run on Hazelcast's mock
 * network (from its test jar), whose links a test can cut; everything above the network is the
 * production member configuration of {@link ClusterMember#config}.
 */
class SplitBrainLimitsTest {
    private static final Logger log = LoggerFactory.getLogger(SplitBrainLimitsTest.class);
    private static final int EXPECTED = 4;
    private static final long LIMIT = 400;
    private static final long SLOTS = 4;
    private static final int ROUNDS = 4;
    private static final int TAKES_PER_MEMBER_PER_ROUND = 150;

    private final TestHazelcastInstanceFactory network = new TestHazelcastInstanceFactory(EXPECTED);
    private final List<ClusterMember> members = new ArrayList<>();

    /** Starts the four members from the production configuration, changed by {@code tweak}. */
    private void formCluster(Consumer<Config> tweak) throws InterruptedException {
        for (int i = 0; i < EXPECTED; i++) {
            ClusterSettings settings =
                    new ClusterSettings("split-test", "node-" + i, "127.0.0.1", 5701, List.of(), false, EXPECTED);
            Config config = ClusterMember.config(settings, "test");
            tweak.accept(config);
            members.add(ClusterMember.attach(network.newHazelcastInstance(config), settings));
        }
        awaitSize(members, EXPECTED, Duration.ofSeconds(20));
    }

    /**
     * Cuts every link between the two sides. With {@code suspect}, each member is also told that the
     * far members are unreachable, which is what its failure detector concludes when heartbeats stop;
     * without, the members have to find out by themselves.
     */
    private static void cut(Side left, Side right, boolean suspect) {
        for (ClusterMember a : left.members) {
            for (ClusterMember b : right.members) {
                SplitBrainTestSupport.blockCommunicationBetween(a.hazelcast(), b.hazelcast());
                if (suspect) {
                    HazelcastTestSupport.closeConnectionBetween(a.hazelcast(), b.hazelcast());
                }
            }
        }
    }

    @AfterEach
    void stop() {
        network.terminateAll();
    }

    @Test
    void eachSideOfASplitAdmitsItsShareAndTheWholeLimitAppliesAgainAfterHealing() throws Exception {
        formCluster(config -> {});
        String key = "rpm:split";
        // The bucket exists, with its backup, before the split: one side keeps the owner's copy, the
        // other either promotes the backup or, if both copies were on the far side, starts afresh.
        assertThat(members.get(0)
                        .rateLimits()
                        .take(key, LIMIT, 1)
                        .get(10, TimeUnit.SECONDS)
                        .granted())
                .isTrue();
        Side left = new Side("left", members.subList(0, 2));
        Side right = new Side("right", members.subList(2, 4));

        long cut = System.nanoTime();
        cut(left, right, true);
        awaitSize(left.members, 2, Duration.ofSeconds(20));
        long leftNoticed = millisSince(cut);
        awaitSize(right.members, 2, Duration.ofSeconds(20));
        log.info(
                "split 2|2 noticed by the left side after {} ms, the right after {} ms", leftNoticed, millisSince(cut));

        long elapsed = hammer(key, LIMIT, List.of(left, right));
        long half = LIMIT / 2;
        for (Side side : List.of(left, right)) {
            log.info(
                    "split, {} side: {} of {} takes granted in {} ms (limit {}, share {})",
                    side.name,
                    side.granted,
                    side.takes,
                    elapsed,
                    LIMIT,
                    side.limits);
            assertThat(side.failed).as("failed takes on the %s side", side.name).isZero();
            assertThat(side.limits)
                    .as("limit reported on the %s side", side.name)
                    .containsOnly(half);
            assertThat(side.granted)
                    .as("granted on the %s side", side.name)
                    .isBetween(half, half + refill(half, elapsed));
        }
        assertThat(left.granted + right.granted).isLessThanOrEqualTo(LIMIT + refill(LIMIT, elapsed));

        for (Side side : List.of(left, right)) {
            assertThat(acquireSlots(side, "cc:split", SLOTS, 2))
                    .as("slots granted on the %s side", side.name)
                    .isEqualTo(SLOTS / 2);
        }

        long healing = System.nanoTime();
        for (ClusterMember a : left.members) {
            for (ClusterMember b : right.members) {
                SplitBrainTestSupport.unblockCommunicationBetween(a.hazelcast(), b.hazelcast());
            }
        }
        awaitSize(members, EXPECTED, Duration.ofSeconds(40));
        log.info("healed: four members again after {} ms", millisSince(healing));

        for (ClusterMember member : members) {
            assertThat(member.rateLimits()
                            .take(key, LIMIT, 0)
                            .get(10, TimeUnit.SECONDS)
                            .limit())
                    .isEqualTo(LIMIT);
        }
        Side whole = new Side("whole", members);
        elapsed = hammer("rpm:after-heal", LIMIT, List.of(whole));
        log.info("healed: {} of {} takes granted in {} ms (limit {})", whole.granted, whole.takes, elapsed, LIMIT);
        assertThat(whole.failed).isZero();
        assertThat(whole.limits).containsOnly(LIMIT);
        assertThat(whole.granted).isBetween(LIMIT, LIMIT + refill(LIMIT, elapsed));
    }

    @Test
    void untilTheSplitIsNoticedTheOwnersSideHasTheWholeLimitAndTheOtherSideWaits() throws Exception {
        // Hazelcast's failure detector gives up on a silent member after 60 s by default; this test
        // shortens that to 5 s to watch the window within its time budget.
        formCluster(config -> config.setProperty(ClusterProperty.HEARTBEAT_INTERVAL_SECONDS.getName(), "1")
                .setProperty(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS.getName(), "5"));
        String key = "rpm:window";
        assertThat(members.get(0)
                        .rateLimits()
                        .take(key, LIMIT, 1)
                        .get(10, TimeUnit.SECONDS)
                        .granted())
                .isTrue();
        int owner = 0;
        while (!members.get(owner).ownsKey(key)) {
            owner++;
        }
        Side near = new Side("owner's", owner < 2 ? members.subList(0, 2) : members.subList(2, 4));
        Side far = new Side("far", owner < 2 ? members.subList(2, 4) : members.subList(0, 2));

        long cut = System.nanoTime();
        cut(near, far, false);
        List<CompletableFuture<BucketResult>> waiting = new ArrayList<>();
        for (ClusterMember member : far.members) {
            for (int i = 0; i < 50; i++) {
                waiting.add(member.rateLimits().take(key, LIMIT, 1));
            }
        }
        long window = 3 * LIMIT / 4;
        List<CompletableFuture<BucketResult>> taken = new ArrayList<>();
        for (int i = 0; i < window; i++) {
            taken.add(near.members.get(i % 2).rateLimits().take(key, LIMIT, 1));
        }
        Thread.sleep(1_000);
        long farAnswered = waiting.stream().filter(CompletableFuture::isDone).count();
        long nearAnswered = taken.stream().filter(CompletableFuture::isDone).count();
        tally(near, taken);
        log.info(
                "unnoticed split: after 1 s the far side had {} of {} answers and the owner's side {} of {};"
                        + " the owner's side had all its answers after {} ms: {} granted (limit {}, reported {})",
                farAnswered,
                waiting.size(),
                nearAnswered,
                taken.size(),
                millisSince(cut),
                near.granted,
                LIMIT,
                near.limits);
        assertThat(farAnswered).isZero();
        assertThat(near.failed).isZero();
        assertThat(near.limits).containsOnly(LIMIT);
        assertThat(near.granted).isEqualTo(window).isGreaterThan(LIMIT / 2);

        awaitSize(near.members, 2, Duration.ofSeconds(20));
        awaitSize(far.members, 2, Duration.ofSeconds(20));
        long noticed = millisSince(cut);
        log.info("split noticed by its failure detector after {} ms", noticed);

        // The far side's waiting takes are retried on the far side's new owner once the split is
        // noticed; they must get that side's share, not the whole limit in force when they were sent.
        tally(far, waiting);
        long elapsed = hammer(key, LIMIT, List.of(far));
        long total = near.granted + far.granted;
        log.info(
                "after the split was noticed, far side: {} of {} takes granted (reported {}); both sides {} in {} ms",
                far.granted,
                far.takes,
                far.limits,
                total,
                millisSince(cut));
        assertThat(far.failed).isZero();
        assertThat(far.limits).containsOnly(LIMIT / 2);
        assertThat(far.granted).isLessThanOrEqualTo(LIMIT / 2 + refill(LIMIT / 2, millisSince(cut)));
        assertThat(total).isLessThanOrEqualTo(LIMIT + LIMIT / 2 + refill(LIMIT, millisSince(cut)));
    }

    /** The members of one side of a split and what their takes were granted. */
    private static final class Side {
        final String name;
        final List<ClusterMember> members;
        final Set<Long> limits = new TreeSet<>();
        long takes;
        long granted;
        long failed;

        Side(String name, List<ClusterMember> members) {
            this.name = name;
            this.members = members;
        }
    }

    /**
     * Takes one token at a time from {@code key} through every member of every side, in a few
     * concurrent bursts, and tallies the answers per side. Returns the elapsed milliseconds.
     */
    private static long hammer(String key, long capacity, List<Side> sides) throws InterruptedException {
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            List<List<CompletableFuture<BucketResult>>> pending = new ArrayList<>();
            for (Side side : sides) {
                List<CompletableFuture<BucketResult>> futures = new ArrayList<>();
                for (ClusterMember member : side.members) {
                    for (int i = 0; i < TAKES_PER_MEMBER_PER_ROUND; i++) {
                        futures.add(member.rateLimits().take(key, capacity, 1));
                    }
                }
                pending.add(futures);
            }
            for (int s = 0; s < sides.size(); s++) {
                tally(sides.get(s), pending.get(s));
            }
        }
        return millisSince(start);
    }

    /** Waits for each answer, at most 10 s, and counts it for {@code side}. */
    private static void tally(Side side, List<CompletableFuture<BucketResult>> futures) throws InterruptedException {
        for (CompletableFuture<BucketResult> future : futures) {
            side.takes++;
            try {
                BucketResult result = future.get(10, TimeUnit.SECONDS);
                side.limits.add(result.limit());
                if (result.granted()) {
                    side.granted++;
                }
            } catch (ExecutionException | TimeoutException e) {
                side.failed++;
            }
        }
    }

    /** Every member of the side asks for {@code perMember} slots of {@code key}; returns the grants. */
    private static long acquireSlots(Side side, String key, long limit, int perMember) throws Exception {
        long granted = 0;
        for (ClusterMember member : side.members) {
            for (int i = 0; i < perMember; i++) {
                String lease = member.leasePrefix() + i;
                if (member.rateLimits()
                        .acquireSlot(key, limit, lease)
                        .get(10, TimeUnit.SECONDS)
                        .granted()) {
                    granted++;
                }
            }
        }
        return granted;
    }

    /** The most a bucket of {@code capacity} per minute can refill in {@code millis}. */
    static long refill(long capacity, long millis) {
        return (capacity * millis + 59_999) / 60_000;
    }

    static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** Waits, at most {@code timeout}, until every one of {@code members} sees {@code size} members. */
    static void awaitSize(List<ClusterMember> members, int size, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (members.stream().allMatch(m -> m.members().size() == size)) {
                return;
            }
            Thread.sleep(20);
        }
        assertThat(members)
                .as("cluster size after %s", timeout)
                .allSatisfy(m -> assertThat(m.members()).hasSize(size));
    }
}
