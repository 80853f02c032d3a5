package io.gatehouse.cluster;

import static io.gatehouse.cluster.SplitBrainLimitsTest.awaitSize;
import static io.gatehouse.cluster.SplitBrainLimitsTest.millisSince;
import static io.gatehouse.cluster.SplitBrainLimitsTest.refill;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.partition.PartitionService;
import io.gatehouse.cluster.limits.BucketResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member leaving a cluster of three real members on loopback, gracefully or by dying: the bucket it
 * owned keeps its count (handed over, or promoted from the backup) and the slots it held are released
 * by the oldest remaining member. The remaining two of three expected members then have two thirds of
 * every limit.
 */
class MemberDepartureLimitsTest {
    private static final Logger log = LoggerFactory.getLogger(MemberDepartureLimitsTest.class);
    private static final long LIMIT = 300;
    private static final long TAKEN = 250;
    private static final long SLOTS = 6;

    private final List<ClusterMember> members = new ArrayList<>();

    @BeforeEach
    void formCluster() throws Exception {
        int base = LoopbackPorts.freeBlock(3);
        List<String> addresses = List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 1), "127.0.0.1:" + (base + 2));
        for (int i = 0; i < 3; i++) {
            members.add(ClusterMember.start(
                    new ClusterSettings(
                            "departure-test-" + base, "node-" + i, "127.0.0.1", base + i, addresses, false, 3),
                    "test"));
        }
        awaitSize(members, 3, Duration.ofSeconds(30));
        // Partitions may have been assigned while the cluster was forming (the config bus's replicated
        // map assigns them as the second member joins): wait until every member owns its share.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!members.stream().allMatch(MemberDepartureLimitsTest::ownsItsShare) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static boolean ownsItsShare(ClusterMember member) {
        PartitionService partitions = member.hazelcast().getPartitionService();
        return partitions.isClusterSafe()
                && partitions.getPartitions().stream()
                        .anyMatch(p -> p.getOwner() != null && p.getOwner().localMember());
    }

    @AfterEach
    void stop() {
        for (ClusterMember member : members) {
            if (member.hazelcast().getLifecycleService().isRunning()) {
                member.hazelcast().getLifecycleService().terminate();
            }
        }
    }

    @Test
    void theYoungestMemberShuttingDownHandsOverItsCountAndItsSlotsAreReleased() throws Exception {
        leaveAndCheck(2, ClusterMember::close, "shut down");
    }

    @Test
    void theOldestMemberDyingLeavesItsCountInTheBackupAndItsSlotsAreReleased() throws Exception {
        leaveAndCheck(0, member -> member.hazelcast().getLifecycleService().terminate(), "terminated");
    }

    private void leaveAndCheck(int leaving, Consumer<ClusterMember> leave, String how) throws Exception {
        ClusterMember victim = members.get(leaving);
        List<ClusterMember> staying = new ArrayList<>(members);
        staying.remove(victim);
        ClusterMember first = staying.get(0);
        ClusterMember second = staying.get(1);
        String bucket = keyOwnedBy(victim, "rpm:departure-");
        String slots = keyOwnedBy(victim, "cc:departure-");

        assertThat(first.rateLimits()
                        .take(bucket, LIMIT, TAKEN)
                        .get(10, TimeUnit.SECONDS)
                        .granted())
                .isTrue();
        long taken = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(victim.rateLimits()
                            .acquireSlot(slots, SLOTS, victim.leasePrefix() + i)
                            .get(10, TimeUnit.SECONDS)
                            .granted())
                    .isTrue();
        }
        assertThat(first.rateLimits()
                        .acquireSlot(slots, SLOTS, first.leasePrefix() + 0)
                        .get(10, TimeUnit.SECONDS)
                        .remaining())
                .isEqualTo(SLOTS - 4);

        long leavingAt = System.nanoTime();
        leave.accept(victim);
        awaitSize(staying, 2, Duration.ofSeconds(30));
        long noticed = millisSince(leavingAt);

        BucketResult left = second.rateLimits().take(bucket, LIMIT, 0).get(10, TimeUnit.SECONDS);
        long twoThirds = LIMIT * 2 / 3;
        assertThat(left.limit()).isEqualTo(twoThirds);
        // Lost, the bucket would start again full at two thirds (200); kept, it has what was left.
        assertThat(left.remaining()).isBetween(LIMIT - TAKEN, LIMIT - TAKEN + refill(LIMIT, millisSince(taken)));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        BucketResult probe = second.rateLimits()
                .acquireSlot(slots, SLOTS, second.leasePrefix() + "probe")
                .get(10, TimeUnit.SECONDS);
        while (!probe.granted() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            probe = second.rateLimits()
                    .acquireSlot(slots, SLOTS, second.leasePrefix() + "probe")
                    .get(10, TimeUnit.SECONDS);
        }
        log.info(
                "{} member {}: noticed after {} ms; bucket has {} of {} left; slots free again after {} ms",
                how,
                leaving,
                noticed,
                left.remaining(),
                left.limit(),
                millisSince(leavingAt));
        assertThat(probe.granted())
                .as("a slot freed by the departed member's release")
                .isTrue();
        assertThat(probe.limit()).isEqualTo(SLOTS * 2 / 3);
        assertThat(probe.remaining()).isEqualTo(SLOTS * 2 / 3 - 2); // the first member's and the probe's
    }

    /** A key, with {@code prefix}, whose primary copy is on {@code owner}. */
    private static String keyOwnedBy(ClusterMember owner, String prefix) {
        for (int i = 0; i < 10_000; i++) {
            if (owner.ownsKey(prefix + i)) {
                return prefix + i;
            }
        }
        throw new IllegalStateException("no key owned by " + owner.members());
    }
}
