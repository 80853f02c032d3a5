package io.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration a member is started with, checked without starting one. */
class ClusterMemberConfigTest {

    private static Config config(String bindAddress) {
        return ClusterMember.config(
                new ClusterSettings("config-test", "node-0", bindAddress, 5701, List.of("10.0.0.2:5701"), false, 2),
                "test");
    }

    @Test
    void aMemberBoundToOneAddressListensAndAdvertisesOnlyThere() {
        Config config = config("10.0.0.1");

        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.1");
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.1");
    }

    @Test
    void aMemberBoundToEveryInterfaceNamesNoInterface() {
        Config config = config("0.0.0.0");

        // An interface pattern of 0.0.0.0 matches no interface: Hazelcast would refuse to start.
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("true");
        assertThat(config.getProperty("hazelcast.local.localAddress")).isNull();
    }

    @Test
    void membersJoinOnlyThroughTheirListWithMulticastOff() {
        Config config = config("10.0.0.1");

        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled())
                .isFalse();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("10.0.0.2:5701");
        assertThat(config.getClusterName()).isEqualTo("config-test");
    }
}
