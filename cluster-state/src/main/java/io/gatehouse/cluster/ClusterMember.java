package io.gatehouse.cluster;

import static java.util.Objects.requireNonNull;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gatehouse.cluster.limits.HazelcastRateLimits;
import io.gatehouse.cluster.limits.LimitSerializers;
import io.gatehouse.cluster.limits.RateLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership in the Gatehouse cluster: an embedded Hazelcast member (open-source
 * edition), joined over a TCP-IP member list (multicast off) or Kubernetes discovery, and the
 * cluster-wide state built on it. Hazelcast types stay inside this module. Thread-safe;
 * {@link #close()} leaves the cluster gracefully.
 */
public final class ClusterMember implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterMember.class);
    private static final String NAME = "gatehouse.name";
    private static final String VERSION = "gatehouse.version";
    private static final String STARTED = "gatehouse.started";

    private final HazelcastInstance hazelcast;
    private final HazelcastRateLimits limits;

    private ClusterMember(HazelcastInstance hazelcast, ClusterSettings settings) {
        this.hazelcast = hazelcast;
        this.limits = new HazelcastRateLimits(
                hazelcast, () -> hazelcast.getCluster().getMembers().size(), settings.expectedMembers());
    }

    /** Starts a member and joins (or forms) the cluster. */
    public static ClusterMember start(ClusterSettings settings, String version) {
        requireNonNull(settings, "settings");
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config(settings, version));
        ClusterMember member = new ClusterMember(hazelcast, settings);
        hazelcast.getCluster().addMembershipListener(member.new MembershipLog());
        log.info(
                "joined cluster '{}' as {} at {} ({} member(s))",
                settings.clusterName(),
                settings.memberName(),
                address(hazelcast.getCluster().getLocalMember()),
                hazelcast.getCluster().getMembers().size());
        return member;
    }

    static Config config(ClusterSettings settings, String version) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("gatehouse-" + settings.memberName() + "-" + System.nanoTime());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // Joining waits only as long as it takes on a LAN, not Hazelcast's default 5 s.
        config.setProperty(
                "hazelcast.wait.seconds.before.join", settings.members().isEmpty() ? "0" : "1");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "5");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        config.getJetConfig().setEnabled(false);
        config.getMemberAttributeConfig().setAttribute(NAME, settings.memberName());
        config.getMemberAttributeConfig().setAttribute(VERSION, version);
        config.getMemberAttributeConfig().setAttribute(STARTED, Instant.now().toString());
        config.getSerializationConfig().addDataSerializableFactory(LimitSerializers.FACTORY_ID, new LimitSerializers());

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(20);
        if ("0.0.0.0".equals(settings.bindAddress())) {
            config.setProperty("hazelcast.socket.bind.any", "true");
        } else {
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.getInterfaces().setEnabled(true).addInterface(settings.bindAddress());
            config.setProperty("hazelcast.local.localAddress", settings.bindAddress());
        }
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        if (settings.kubernetes()) {
            join.getKubernetesConfig().setEnabled(true);
        } else {
            join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(settings.members()));
        }

        config.addMapConfig(new MapConfig(HazelcastRateLimits.BUCKETS)
                .setBackupCount(1)
                .setMaxIdleSeconds(180)
                .setStatisticsEnabled(false));
        config.addMapConfig(
                new MapConfig(HazelcastRateLimits.SLOTS).setBackupCount(1).setStatisticsEnabled(false));
        return config;
    }

    /** The cluster-wide limits. */
    public RateLimits rateLimits() {
        return limits;
    }

    /** A prefix unique to this member, for lease ids that must be released if it leaves. */
    public String leasePrefix() {
        return hazelcast.getCluster().getLocalMember().getUuid() + "/";
    }

    /** The members as this node sees them, oldest first. */
    public List<MemberView> members() {
        List<MemberView> members = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            String started = member.getAttribute(STARTED);
            members.add(new MemberView(
                    String.valueOf(member.getAttribute(NAME)),
                    address(member),
                    String.valueOf(member.getAttribute(VERSION)),
                    started == null ? Instant.EPOCH : Instant.parse(started),
                    member.localMember()));
        }
        return members;
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    /** Leaves the cluster gracefully, handing this member's partitions to the others. */
    @Override
    public void close() {
        hazelcast.shutdown();
    }

    /** Logs joins and departures; the oldest member releases the slots a departed member held. */
    private final class MembershipLog implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {
            log.info(
                    "member {} at {} joined; {} member(s)",
                    event.getMember().getAttribute(NAME),
                    address(event.getMember()),
                    event.getMembers().size());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            log.warn(
                    "member {} at {} left; {} member(s)",
                    event.getMember().getAttribute(NAME),
                    address(event.getMember()),
                    event.getMembers().size());
            Member oldest = event.getMembers().iterator().next();
            if (oldest.localMember()) {
                limits.releaseSlotsOf(event.getMember().getUuid() + "/");
            }
        }
    }
}
