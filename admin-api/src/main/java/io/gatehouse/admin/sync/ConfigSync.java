package io.gatehouse.admin.sync;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.config.ConfigLoader;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.resources.Documents;
import io.gatehouse.admin.resources.ResourceType;
import io.gatehouse.admin.resources.Secrets;
import io.gatehouse.admin.store.Actor;
import io.gatehouse.admin.store.ConfigRepository;
import io.gatehouse.admin.store.Database;
import io.gatehouse.admin.store.DatabaseUnavailableException;
import io.gatehouse.admin.store.ResourceKind;
import io.gatehouse.admin.store.StoredConfig;
import io.gatehouse.cluster.config.ConfigBus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node on the latest stored configuration. At start it migrates the database, seeds it
 * from the config file when it is empty, and applies the latest version; when the database cannot be
 * reached it applies the last known good snapshot instead and says it is degraded. Afterwards it
 * loads and applies each version the cluster announces, checks the database on a timer too (an
 * announcement can be missed during a partition), writes each applied snapshot to the data
 * directory, and reports the version it runs. Thread-safe: all work runs on {@code executor}, one
 * task at a time.
 */
public final class ConfigSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigSync.class);

    /** Applies a validated configuration to the running node (swapped whole; in-flight requests keep theirs). */
    @FunctionalInterface
    public interface Applier {
        void apply(GatewayConfig config, long version);
    }

    /**
     * Where the node stands. Immutable.
     *
     * @param version the config version it runs (0 before the first)
     * @param degraded whether the database could not be reached at the last attempt
     * @param problem what is wrong, for readiness and the cluster view; null when nothing is
     */
    public record Status(
            long version, boolean degraded, @Nullable String problem) {}

    /** What the sync is built from. */
    public record Parts(
            Database database,
            ConfigRepository repository,
            Secrets secrets,
            ConfigLoader loader,
            GatewayConfig local,
            ConfigBus bus,
            Applier applier,
            LastKnownGood lastKnownGood,
            ScheduledExecutorService executor,
            Duration pollInterval,
            Clock clock) {
        public Parts {
            requireNonNull(database, "database");
            requireNonNull(repository, "repository");
            requireNonNull(secrets, "secrets");
            requireNonNull(loader, "loader");
            requireNonNull(local, "local");
            requireNonNull(bus, "bus");
            requireNonNull(applier, "applier");
            requireNonNull(lastKnownGood, "lastKnownGood");
            requireNonNull(executor, "executor");
            requireNonNull(pollInterval, "pollInterval");
            requireNonNull(clock, "clock");
        }
    }

    private final Parts parts;
    private volatile @Nullable StoredConfig applied;
    private volatile Status status = new Status(0, false, "starting");
    private volatile boolean migrated;
    private volatile long failedVersion = -1;
    private @Nullable AutoCloseable subscription;
    private @Nullable ScheduledFuture<?> poll;

    private ConfigSync(Parts parts) {
        this.parts = parts;
    }

    /**
     * Brings the node to the latest configuration (or its last known good one) and keeps it there.
     *
     * @throws ConfigException if neither the database nor a snapshot gives a configuration, or the
     *     one found cannot be applied
     */
    public static ConfigSync start(Parts parts) {
        ConfigSync sync = new ConfigSync(requireNonNull(parts, "parts"));
        sync.startup();
        sync.subscription = parts.bus().onAnnounce(version -> {
            if (version > sync.status.version()) {
                parts.executor().execute(sync::syncQuietly);
            }
        });
        long every = parts.pollInterval().toMillis();
        sync.poll = parts.executor().scheduleWithFixedDelay(sync::syncQuietly, every, every, TimeUnit.MILLISECONDS);
        return sync;
    }

    private void startup() {
        try {
            parts.database().migrate();
            migrated = true;
            seedIfEmpty();
            sync();
        } catch (DatabaseUnavailableException e) {
            Optional<StoredConfig> snapshot;
            try {
                snapshot = parts.lastKnownGood().read();
            } catch (IOException io) {
                throw new ConfigException("the database cannot be reached (" + e.getMessage()
                        + ") and the last known good snapshot "
                        + parts.lastKnownGood().file() + " cannot be read ("
                        + io.getMessage() + ")");
            }
            if (snapshot.isEmpty()) {
                throw new ConfigException("the database cannot be reached (" + e.getMessage()
                        + ") and this node has no last known good snapshot in "
                        + parts.lastKnownGood().file()
                        + " (expected: a reachable database, or a node that ran before with this data_dir)");
            }
            apply(snapshot.get(), false);
            status = new Status(
                    snapshot.get().version(), true, unreachable(snapshot.get().version()));
            log.warn(
                    "database unreachable ({}); serving config version {} from the last known good snapshot",
                    e.getMessage(),
                    snapshot.get().version());
        }
    }

    /** Where this node stands. */
    public Status status() {
        return status;
    }

    /** The stored configuration this node runs (secrets sealed), or null before the first. */
    public @Nullable StoredConfig applied() {
        return applied;
    }

    private void syncQuietly() {
        try {
            if (!migrated) {
                parts.database().migrate();
                migrated = true;
            }
            sync();
        } catch (DatabaseUnavailableException e) {
            if (!status.degraded()) {
                log.warn(
                        "database unreachable ({}); still serving config version {}", e.getMessage(), status.version());
                status = new Status(status.version(), true, unreachable(status.version()));
            }
        } catch (RuntimeException e) {
            log.error("config sync failed", e);
        }
    }

    /** Loads and applies the stored configuration if it is newer than the one running. */
    private synchronized void sync() {
        long head = parts.repository().version();
        StoredConfig current = applied;
        if (current != null && head == current.version()) {
            if (status.degraded()) {
                log.info("database reachable again; config version {} is current", head);
                status = new Status(head, false, null);
            }
            return;
        }
        if (head == failedVersion) {
            return;
        }
        StoredConfig stored = parts.repository().load();
        apply(stored, true);
    }

    private void apply(StoredConfig stored, boolean fromDatabase) {
        GatewayConfig config;
        try {
            config = toGatewayConfig(stored);
            parts.applier().apply(config, stored.version());
        } catch (RuntimeException e) {
            failedVersion = stored.version();
            String problem = "config version " + stored.version() + " cannot be applied: " + e.getMessage();
            status = new Status(status.version(), status.degraded(), problem);
            if (applied == null) {
                throw e instanceof ConfigException c ? c : new ConfigException(problem);
            }
            log.error("{}; still serving version {}", problem, status.version());
            return;
        }
        applied = stored;
        status = new Status(stored.version(), !fromDatabase, fromDatabase ? null : unreachable(stored.version()));
        parts.bus().reportApplied(stored.version());
        if (fromDatabase) {
            try {
                parts.lastKnownGood().write(stored);
            } catch (IOException e) {
                log.warn(
                        "cannot write the last known good snapshot {}: {}",
                        parts.lastKnownGood().file(),
                        e.toString());
            }
        }
        log.info("applied config version {}", stored.version());
    }

    /** The node configuration a stored configuration makes: this node's own settings, its sections. */
    GatewayConfig toGatewayConfig(StoredConfig stored) {
        ObjectNode document = Documents.assemble(stored.resources(), parts.secrets()::open);
        return parts.loader().withShared(parts.local(), document);
    }

    /** Stores the config file's sections when the database holds no configuration yet. */
    private void seedIfEmpty() {
        long stored = parts.repository().version();
        if (stored != 0) {
            log.info(
                    "the database holds config version {}; the config file's providers, models, auth, policies and"
                            + " limits only seed an empty database and are not used",
                    stored);
            return;
        }
        Map<ResourceKind, List<Documents.Row>> rows =
                Documents.split(parts.local().shared());
        ConfigRepository.Commit<Integer> commit = parts.repository()
                .write(new Actor("seed", "config-file"), "seed from the config file", changes -> {
                    if (changes.version() != 1) {
                        return 0; // another node seeded first
                    }
                    int count = 0;
                    for (Map.Entry<ResourceKind, List<Documents.Row>> entry : rows.entrySet()) {
                        ResourceType type = ResourceType.of(entry.getKey()).orElse(null);
                        List<Documents.Row> list = entry.getValue();
                        for (int i = 0; i < list.size(); i++) {
                            ObjectNode spec = list.get(i).spec();
                            changes.create(
                                    entry.getKey(),
                                    list.get(i).name(),
                                    type == null ? spec : parts.secrets().seal(type, spec, null),
                                    i);
                            count++;
                        }
                    }
                    return count;
                });
        if (commit.changed()) {
            log.info(
                    "seeded the empty database from the config file: {} resources, config version {}",
                    commit.value(),
                    commit.version());
            parts.bus().announce(commit.version());
        }
    }

    private String unreachable(long version) {
        return "database unreachable since " + Instant.now(parts.clock()) + "; serving config version " + version
                + " (admin writes fail until it is back)";
    }

    @Override
    public void close() {
        if (poll != null) {
            poll.cancel(false);
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.debug("closing the config bus subscription", e);
            }
        }
    }
}
