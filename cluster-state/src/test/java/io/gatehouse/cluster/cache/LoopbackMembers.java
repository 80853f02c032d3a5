package io.gatehouse.cluster.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gatehouse.cluster.LoopbackPorts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Two real Hazelcast members on loopback, configured for the response cache, and cache keys. */
final class LoopbackMembers {
    private LoopbackMembers() {}

    /** Starts two members that have joined each other. */
    static List<HazelcastInstance> formTwo() throws Exception {
        int base = LoopbackPorts.freeBlock(2);
        List<HazelcastInstance> members = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Config config = new Config().setClusterName("cache-test-" + base);
            config.getNetworkConfig().setPort(base + i).setPortAutoIncrement(false);
            config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
            config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
            config.getNetworkConfig()
                    .getJoin()
                    .getTcpIpConfig()
                    .setEnabled(true)
                    .setMembers(List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 1)));
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
            config.setProperty("hazelcast.logging.type", "slf4j");
            HazelcastResponseCache.configure(config, 16);
            HazelcastSemanticIndex.configure(config, 4);
            members.add(Hazelcast.newHazelcastInstance(config));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (members.get(0).getCluster().getMembers().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(members.get(0).getCluster().getMembers()).hasSize(2);
        return members;
    }

    /** A 32-byte seal key, every byte {@code fill}. */
    static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }
}
