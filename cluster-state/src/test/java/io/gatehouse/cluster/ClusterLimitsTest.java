package io.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import io.gatehouse.cluster.limits.BucketResult;
import io.gatehouse.cluster.limits.HazelcastRateLimits;
import io.gatehouse.cluster.limits.RateLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three real Hazelcast members on loopback sharing limits. */
class ClusterLimitsTest {
    private static final List<ClusterMember> members = new ArrayList<>();
    private static final String HAZELCAST_ANSWERING_THREAD = "hz\\..*\\.(partition-operation\\.thread|response)-\\d+";

    @BeforeAll
    static void formCluster() throws Exception {
        int base = LoopbackPorts.freeBlock(3);
        List<String> addresses = List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 1), "127.0.0.1:" + (base + 2));
        for (int i = 0; i < 3; i++) {
            members.add(ClusterMember.start(
                    new ClusterSettings("limits-test-" + base, "node-" + i, "127.0.0.1", base + i, addresses, false, 3),
                    "test"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (members.get(0).members().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(members.get(0).members()).hasSize(3);
    }

    @AfterAll
    static void stop() {
        members.forEach(ClusterMember::close);
    }

    @Test
    void everyMemberSeesEveryOtherWithNameVersionAndStartTime() {
        List<MemberView> view = members.get(1).members();

        assertThat(view).extracting(MemberView::name).containsExactlyInAnyOrder("node-0", "node-1", "node-2");
        assertThat(view)
                .filteredOn(MemberView::local)
                .singleElement()
                .extracting(MemberView::name)
                .isEqualTo("node-1");
        assertThat(view).allSatisfy(m -> assertThat(m.version()).isEqualTo("test"));
    }

    @Test
    void aLimitHoldsExactlyAcrossMembersUnderConcurrentLoad() throws Exception {
        long capacity = 300;
        List<CompletableFuture<BucketResult>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 3 * capacity; i++) {
            RateLimits limits = members.get(i % 3).rateLimits();
            results.add(limits.take("rpm:exact", capacity, 1));
        }
        long granted = 0;
        for (CompletableFuture<BucketResult> result : results) {
            if (result.get(10, TimeUnit.SECONDS).granted()) {
                granted++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long refilled = (long) Math.ceil(capacity * seconds / 60);

        assertThat(granted).isBetween(capacity, capacity + refilled);
    }

    @Test
    void slotsAreSharedAndReleased() throws Exception {
        RateLimits a = members.get(0).rateLimits();
        RateLimits b = members.get(2).rateLimits();

        assertThat(a.acquireSlot("cc:team", 2, "a/1").get().granted()).isTrue();
        assertThat(b.acquireSlot("cc:team", 2, "b/1").get().granted()).isTrue();
        assertThat(b.acquireSlot("cc:team", 2, "b/2").get().granted()).isFalse();

        a.releaseSlot("cc:team", "a/1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        boolean granted = false;
        while (!granted && System.nanoTime() < deadline) {
            granted = b.acquireSlot("cc:team", 2, "b/2").get().granted();
        }
        assertThat(granted).isTrue();
    }

    @Test
    void whatIsChainedToACheckRunsOnTheThreadThatAnsweredIt() throws Exception {
        String key = "rt:answering-thread";
        ClusterMember owner =
                members.stream().filter(m -> m.ownsKey(key)).findFirst().orElseThrow();
        ClusterMember other =
                members.stream().filter(m -> !m.ownsKey(key)).findFirst().orElseThrow();
        // The key's partition is held until both stages below are chained, so neither answer is in yet.
        owner.hazelcast().getMap(HazelcastRateLimits.BUCKETS).submitToKey(key, new HoldPartition());
        try {
            CompletableFuture<String> local = owner.rateLimits()
                    .takeAll(key, new long[] {10}, new long[] {1})
                    .thenApply(answer -> Thread.currentThread().getName());
            CompletableFuture<String> remote = other.rateLimits()
                    .takeAll(key, new long[] {10}, new long[] {1})
                    .thenApply(answer -> Thread.currentThread().getName());
            HoldPartition.release();

            // The partition thread, or the response thread where the answer waits for a backup's.
            assertThat(local.get(10, TimeUnit.SECONDS)).matches(HAZELCAST_ANSWERING_THREAD);
            assertThat(remote.get(10, TimeUnit.SECONDS)).matches(HAZELCAST_ANSWERING_THREAD);
        } finally {
            HoldPartition.release();
        }
    }

    @Test
    void aStageChainedToACheckMaySendMoreChecksFromTheThreadThatAnsweredIt() throws Exception {
        String key = "rt:chained";
        String elsewhere = "rt:chained-elsewhere";
        long[] capacity = {10};
        long[] one = {1};
        for (ClusterMember member : members) {
            // On whichever thread the answer arrives (partition or response thread), the stage gives
            // one back and takes one under another key, as a request's give-back or a lease's return does.
            CompletableFuture<BucketResult> chained = member.rateLimits()
                    .takeAll(key, capacity, one)
                    .thenCompose(taken -> {
                        member.rateLimits().adjustAll(key, capacity, one);
                        return member.rateLimits().takeAll(elsewhere, capacity, one);
                    })
                    .thenApply(answers -> answers.get(0));

            assertThat(chained.get(10, TimeUnit.SECONDS).granted()).isTrue();
        }
        // Every take under the first key was given back (the give-backs are not waited for).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        boolean whole = false;
        while (!whole && System.nanoTime() < deadline) {
            whole = members.get(0)
                    .rateLimits()
                    .takeAll(key, capacity, new long[] {10})
                    .get(10, TimeUnit.SECONDS)
                    .get(0)
                    .granted();
        }
        assertThat(whole).isTrue();
    }

    /** Keeps its key's partition thread busy until {@link #release}, or 10 s at most. */
    private static final class HoldPartition implements EntryProcessor<Object, Object, Object>, ReadOnly {
        private static final CountDownLatch released = new CountDownLatch(1);

        static void release() {
            released.countDown();
        }

        @Override
        public Object process(Map.Entry<Object, Object> entry) {
            try {
                released.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public @Nullable EntryProcessor<Object, Object, Object> getBackupProcessor() {
            return null;
        }
    }
}
