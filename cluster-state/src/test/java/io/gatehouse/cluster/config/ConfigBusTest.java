package io.gatehouse.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.ClusterSettings;
import io.gatehouse.cluster.LoopbackPorts;
import io.gatehouse.cluster.MemberView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config bus on three real Hazelcast members on loopback, shared by the tests; a fourth joins
 * and leaves in the tests about departures. Each test announces and reports versions above those of
 * the tests before it, so they do not depend on their order.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigBusTest {
    private static final Logger log = LoggerFactory.getLogger(ConfigBusTest.class);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final AtomicLong versions = new AtomicLong();
    private static final List<ClusterMember> members = new ArrayList<>();
    private static int basePort;
    private static String clusterName = "";
    private static List<String> addresses = List.of();

    @BeforeAll
    static void formCluster() throws Exception {
        basePort = LoopbackPorts.freeBlock(4);
        clusterName = "config-bus-test-" + basePort;
        addresses = List.of("127.0.0.1:" + basePort, "127.0.0.1:" + (basePort + 1), "127.0.0.1:" + (basePort + 2));
        for (int i = 0; i < 3; i++) {
            members.add(start("node-" + i, basePort + i));
        }
        awaitSize(members, 3);
    }

    @AfterAll
    static void stop() {
        members.forEach(ClusterMember::close);
    }

    /** A version range of this test's own, above every version used before. */
    private static long freshVersions() {
        return versions.addAndGet(1_000);
    }

    @Test
    void anAnnouncementReachesTheListenersOfEveryMemberTheAnnouncerIncluded() throws Exception {
        long version = freshVersions() + 1;
        List<BlockingQueue<Long>> received = new ArrayList<>();
        List<AtomicLong> arrivals = new ArrayList<>();
        List<AutoCloseable> handles = new ArrayList<>();
        for (ClusterMember member : members) {
            BlockingQueue<Long> queue = new LinkedBlockingQueue<>();
            AtomicLong arrival = new AtomicLong();
            received.add(queue);
            arrivals.add(arrival);
            handles.add(member.configBus().onAnnounce(v -> {
                arrival.set(System.nanoTime());
                queue.add(v);
            }));
        }
        try {
            long announced = System.nanoTime();
            members.get(0).configBus().announce(version);

            for (int i = 0; i < members.size(); i++) {
                assertThat(received.get(i).poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                        .as("announcement received by node-%d", i)
                        .isEqualTo(version);
                log.info(
                        "announcement reached the listener on node-{} after {} µs",
                        i,
                        TimeUnit.NANOSECONDS.toMicros(arrivals.get(i).get() - announced));
            }
            for (BlockingQueue<Long> queue : received) {
                assertThat(queue.poll(100, TimeUnit.MILLISECONDS))
                        .as("a second delivery")
                        .isNull();
            }
        } finally {
            for (AutoCloseable handle : handles) {
                handle.close();
            }
        }
    }

    @Test
    void latestIsTheHighestVersionAnnouncedOnEveryMember() throws Exception {
        long base = freshVersions();
        members.get(0).configBus().announce(base + 5);
        members.get(1).configBus().announce(base + 3);

        // The announcer knows at once; the others once the raise has landed.
        assertThat(members.get(0).configBus().latest()).isEqualTo(base + 5);
        for (ClusterMember member : members) {
            eventually(() -> assertThat(member.configBus().latest()).isEqualTo(base + 5));
        }
        members.get(2).configBus().announce(base + 4);
        for (ClusterMember member : members) {
            eventually(() -> assertThat(member.configBus().latest()).isEqualTo(base + 5));
        }
    }

    @Test
    void everyMemberSeesTheVersionEveryMemberReportsWithItsNodeName() throws Exception {
        long base = freshVersions();
        for (int i = 0; i < members.size(); i++) {
            members.get(i).configBus().reportApplied(base + i);
        }

        for (ClusterMember member : members) {
            eventually(() -> {
                Map<String, AppliedVersion> applied = member.configBus().applied();
                assertThat(applied.values())
                        .extracting(AppliedVersion::nodeName, AppliedVersion::version)
                        .containsExactly(tuple("node-0", base), tuple("node-1", base + 1), tuple("node-2", base + 2));
                applied.forEach((id, version) -> assertThat(version.memberId()).isEqualTo(id));
                assertThat(member.members())
                        .extracting(MemberView::name, MemberView::configVersion)
                        .containsExactly(tuple("node-0", base), tuple("node-1", base + 1), tuple("node-2", base + 2));
            });
        }
        // A new report replaces the earlier one.
        members.get(1).configBus().reportApplied(base + 7);
        eventually(() -> assertThat(members.get(2).configBus().applied().values())
                .extracting(AppliedVersion::version)
                .containsExactly(base, base + 7, base + 2));
    }

    @Test
    void convergenceWaitsForTheLastMemberAndGivesUpAfterTheTimeout() throws Exception {
        long version = freshVersions() + 2;
        members.get(0).configBus().reportApplied(version);
        members.get(1).configBus().reportApplied(version);
        members.get(2).configBus().reportApplied(version - 1);

        long waiting = System.nanoTime();
        CompletableFuture<Boolean> lagging = members.get(0).configBus().awaitConverged(version, Duration.ofMillis(300));
        assertThat(lagging.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(millisSince(waiting)).isGreaterThanOrEqualTo(300);

        CompletableFuture<Boolean> converged = members.get(1).configBus().awaitConverged(version, PATIENCE);
        Thread.sleep(100);
        assertThat(converged).isNotDone();
        long reported = System.nanoTime();
        members.get(2).configBus().reportApplied(version);
        assertThat(converged.get(5, TimeUnit.SECONDS)).isTrue();
        log.info("converged, seen on another member, {} ms after the last report", millisSince(reported));

        for (ClusterMember member : members) {
            // Already converged everywhere; lower versions too.
            eventually(() -> assertThat(member.configBus()
                            .awaitConverged(version - 1, Duration.ZERO)
                            .get(1, TimeUnit.SECONDS))
                    .isTrue());
            assertThat(member.configBus()
                            .awaitConverged(version + 1, Duration.ZERO)
                            .get(1, TimeUnit.SECONDS))
                    .isFalse();
        }
    }

    @Test
    void aClosedListenerIsNoLongerCalled() throws Exception {
        long base = freshVersions();
        BlockingQueue<Long> closing = new LinkedBlockingQueue<>();
        BlockingQueue<Long> staying = new LinkedBlockingQueue<>();
        AutoCloseable closed = members.get(1).configBus().onAnnounce(closing::add);
        AutoCloseable open = members.get(1).configBus().onAnnounce(staying::add);
        try {
            members.get(0).configBus().announce(base + 1);
            assertThat(closing.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(base + 1);
            assertThat(staying.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(base + 1);

            closed.close();
            members.get(0).configBus().announce(base + 2);
            members.get(1).configBus().announce(base + 3);

            // Both listeners are called in turn (the closed one first) on the same thread: once the open
            // one has both, the closed one would have had them too. From two announcers, they may come
            // in either order.
            assertThat(Arrays.asList(
                            staying.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS),
                            staying.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)))
                    .containsExactlyInAnyOrder(base + 2, base + 3);
            assertThat(closing).isEmpty();
        } finally {
            open.close();
        }
    }

    @Test
    void aMemberLeavingGracefullyIsForgottenAndNoLongerAwaited() throws Exception {
        leaveAndCheck(ClusterMember::close, "left");
    }

    @Test
    void aMemberDyingIsForgottenAndNoLongerAwaitedAndItsAnnouncementSurvives() throws Exception {
        leaveAndCheck(member -> hazelcastOf(member).getLifecycleService().terminate(), "died");
    }

    /**
     * A fourth member joins, announces a version and lags behind it; the others wait for it until it
     * leaves by {@code leave}, then converge without it and forget its report. Its announcement stays
     * the latest version, also for a member that joins afterwards and never saw it announced.
     */
    private void leaveAndCheck(Consumer<ClusterMember> leave, String how) throws Exception {
        long version = freshVersions() + 1;
        ClusterMember late = start("node-3", basePort + 3);
        try {
            List<ClusterMember> all = new ArrayList<>(members);
            all.add(late);
            awaitSize(all, 4);

            late.configBus().announce(version);
            for (ClusterMember member : members) {
                member.configBus().reportApplied(version);
            }
            late.configBus().reportApplied(version - 1);
            for (ClusterMember member : all) {
                eventually(() -> {
                    assertThat(member.configBus().latest()).isEqualTo(version);
                    assertThat(member.configBus().applied()).hasSize(4);
                });
            }
            String lateId = late.configBus().applied().entrySet().stream()
                    .filter(e -> e.getValue().nodeName().equals("node-3"))
                    .findFirst()
                    .orElseThrow()
                    .getKey();
            CompletableFuture<Boolean> converged = members.get(0).configBus().awaitConverged(version, PATIENCE);
            Thread.sleep(100);
            assertThat(converged).isNotDone();

            // Every partition has its backup in place before the member goes.
            eventually(() -> assertThat(
                            hazelcastOf(members.get(0)).getPartitionService().isClusterSafe())
                    .isTrue());
            long leaving = System.nanoTime();
            leave.accept(late);
            assertThat(converged.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            log.info("member {}: the others converged without it after {} ms", how, millisSince(leaving));

            for (ClusterMember member : members) {
                eventually(() -> {
                    assertThat(member.members()).hasSize(3);
                    assertThat(member.configBus().applied()).hasSize(3).doesNotContainKey(lateId);
                });
                assertThat(member.configBus().latest()).isEqualTo(version);
            }
        } finally {
            late.close();
        }
        try (ClusterMember newcomer = start("node-4", basePort + 3)) {
            awaitSize(List.of(newcomer), 4);
            assertThat(newcomer.configBus().latest()).isEqualTo(version);
        }
        awaitSize(members, 3);
    }

    private static ClusterMember start(String name, int port) {
        return ClusterMember.start(
                new ClusterSettings(clusterName, name, "127.0.0.1", port, addresses, false, 3), "test");
    }

    /** The Hazelcast member under {@code member}, found by its node name, to kill it. */
    private static HazelcastInstance hazelcastOf(ClusterMember member) {
        String name = member.members().stream()
                .filter(MemberView::local)
                .findFirst()
                .orElseThrow()
                .name();
        return Hazelcast.getAllHazelcastInstances().stream()
                .filter(h -> h.getCluster()
                        .getLocalMember()
                        .getAttributes()
                        .get("gatehouse.name")
                        .equals(name))
                .filter(h -> h.getConfig().getClusterName().equals(clusterName))
                .findFirst()
                .orElseThrow();
    }

    private static void awaitSize(List<ClusterMember> cluster, int size) throws Exception {
        eventually(() ->
                assertThat(cluster).allSatisfy(m -> assertThat(m.members()).hasSize(size)));
    }

    /** Runs {@code check} until it passes, at most {@link #PATIENCE}; then once more, to fail with it. */
    private static void eventually(Check check) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                check.run();
                return;
            } catch (AssertionError notYet) {
                Thread.sleep(10);
            }
        }
        check.run();
    }

    /** An assertion that may need the cluster some time to hold. */
    private interface Check {
        void run() throws Exception;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
