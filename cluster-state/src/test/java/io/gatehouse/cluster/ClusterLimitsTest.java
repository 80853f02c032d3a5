package io.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cluster.limits.BucketResult;
import io.gatehouse.cluster.limits.RateLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three real Hazelcast members on loopback sharing limits. */
class ClusterLimitsTest {
    private static final List<ClusterMember> members = new ArrayList<>();

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
}
