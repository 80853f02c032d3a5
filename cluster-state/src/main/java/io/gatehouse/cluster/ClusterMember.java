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
import com.hazelcast.internal.util.ConcurrencyUtil;
import io.gatehouse.cluster.cache.HazelcastResponseCache;
import io.gatehouse.cluster.cache.HazelcastSemanticIndex;
import io.gatehouse.cluster.config.AppliedVersion;
import io.gatehouse.cluster.config.ConfigBus;
import io.gatehouse.cluster.config.HazelcastConfigBus;
import io.gatehouse.cluster.limits.HazelcastRateLimits;
import io.gatehouse.cluster.limits.LimitSerializers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
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

    /**
     * Hazelcast completes the futures of asynchronous calls (the response cache's, the config bus's;
     * the limit checks skip it, see {@code KeyOperations}) on its default executor, which, like
     * {@code CompletableFuture}'s, starts a new thread per callback when the JVM's common pool has
     * fewer than two threads: on any host with two CPUs or fewer. A thread start per call made one
     * limit check cost about 0.5 ms instead of 0.05 ms on such a host; callbacks run on this small
     * pool there instead. The setter is Hazelcast-internal, hence this one place.
     */
    private static final int ASYNC_THREADS = 2;

    static {
        if (ForkJoinPool.getCommonPoolParallelism() < ASYNC_THREADS) {
            ForkJoinPool callbacks = new ForkJoinPool(
                    ASYNC_THREADS,
                    pool -> {
                        ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        thread.setName("gatehouse-cluster-callback-" + thread.getPoolIndex());
                        return thread;
                    },
                    null,
                    true);
            ConcurrencyUtil.setDefaultAsyncExecutor(callbacks);
        }
    }

    private final HazelcastInstance hazelcast;
    private final HazelcastRateLimits limits;
    private final HazelcastConfigBus configBus;

    private ClusterMember(HazelcastInstance hazelcast, ClusterSettings settings) {
        this.hazelcast = hazelcast;
        this.limits = new HazelcastRateLimits(hazelcast, settings.expectedMembers());
        this.configBus = new HazelcastConfigBus(hazelcast, settings.memberName());
    }

    /** Starts a member and joins (or forms) the cluster. */
    public static ClusterMember start(ClusterSettings settings, String version) {
        requireNonNull(settings, "settings");
        return attach(Hazelcast.newHazelcastInstance(config(settings, version)), settings);
    }

    /**
     * Wraps a Hazelcast member already started from {@link #config}. Tests use it to start members
     * on Hazelcast's mock network, whose links they can cut to make a split brain.
     */
    static ClusterMember attach(HazelcastInstance hazelcast, ClusterSettings settings) {
        requireNonNull(hazelcast, "hazelcast");
        requireNonNull(settings, "settings");
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
        // A member silent this long is taken as gone (Hazelcast's default is 60 s): a split is noticed
        // sooner, so the sides start enforcing their share sooner.
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        config.getJetConfig().setEnabled(false);
        // Hazelcast's own metrics feed its Management Center, which Gatehouse does not use (the node
        // exports its metrics itself); collecting them every few seconds only takes CPU from requests.
        config.getMetricsConfig().setEnabled(false);
        config.getMemberAttributeConfig().setAttribute(NAME, settings.memberName());
        config.getMemberAttributeConfig().setAttribute(VERSION, version);
        config.getMemberAttributeConfig().setAttribute(STARTED, Instant.now().toString());
        config.getSerializationConfig().addDataSerializableFactory(LimitSerializers.FACTORY_ID, new LimitSerializers());

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(20);
        if ("0.0.0.0".equals(settings.bindAddress())) {
            // Every interface; Hazelcast advertises the first non-loopback address it finds. Naming
            // 0.0.0.0 as an interface would match none, and the member would not start.
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
        HazelcastConfigBus.configure(config);
        HazelcastResponseCache.configure(config, settings.responseCacheMegabytes());
        // The semantic index holds embeddings, a few hundred bytes per answer: a quarter of the
        // answers' share is room for far more prompts than the answers' share holds answers.
        HazelcastSemanticIndex.configure(config, Math.max(1, settings.responseCacheMegabytes() / 4));
        return config;
    }

    /** The cluster-wide limits, every check at the key's owner. */
    public HazelcastRateLimits rateLimits() {
        return limits;
    }

    /**
     * The cluster-wide response cache, its answers sealed under {@code key} (32 bytes; every member
     * must use the same key to read the others' answers). Close it before this member.
     */
    public HazelcastResponseCache responseCache(byte[] key) {
        return new HazelcastResponseCache(hazelcast, key);
    }

    /**
     * The cluster-wide index of cached prompts for the semantic match, sealed under {@code key} (the
     * response cache's).
     */
    public HazelcastSemanticIndex semanticIndex(byte[] key) {
        return new HazelcastSemanticIndex(hazelcast, key);
    }

    /** The cluster-wide channel for configuration versions; closed with this member. */
    public ConfigBus configBus() {
        return configBus;
    }

    /** A prefix unique to this member, for lease ids that must be released if it leaves. */
    public String leasePrefix() {
        return hazelcast.getCluster().getLocalMember().getUuid() + "/";
    }

    /**
     * Whether this member holds the primary copy of the limit {@code key}, so that a check on it
     * from this node needs no network hop. Ownership moves when members join or leave; for
     * diagnostics and benchmarks, not for decisions.
     */
    public boolean ownsKey(String key) {
        requireNonNull(key, "key");
        Member owner = hazelcast.getPartitionService().getPartition(key).getOwner();
        return owner != null && owner.localMember();
    }

    /** The Hazelcast member underneath, for tests in this package. */
    HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /**
     * The members as this node sees them, oldest first, with the config version each reports (read
     * from this member's copy of the reports: no network hop).
     */
    public List<MemberView> members() {
        Map<String, AppliedVersion> configVersions = configBus.applied();
        List<MemberView> members = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            String started = member.getAttribute(STARTED);
            AppliedVersion configVersion = configVersions.get(member.getUuid().toString());
            members.add(new MemberView(
                    String.valueOf(member.getAttribute(NAME)),
                    address(member),
                    String.valueOf(member.getAttribute(VERSION)),
                    started == null ? Instant.EPOCH : Instant.parse(started),
                    member.localMember(),
                    configVersion == null ? 0 : configVersion.version()));
        }
        return members;
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    /**
     * Leaves the cluster gracefully, handing this member's partitions to the others. Pending {@link
     * ConfigBus#awaitConverged} futures complete with false.
     */
    @Override
    public void close() {
        configBus.close();
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
                // Off the event thread: releasing walks every slot key.
                String prefix = event.getMember().getUuid() + "/";
                CompletableFuture.runAsync(() -> limits.releaseSlotsOf(prefix));
            }
        }
    }
}
