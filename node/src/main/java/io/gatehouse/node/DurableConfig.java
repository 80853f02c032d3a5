package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.api.ConfigEditor;
import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.config.ConfigLoader;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.resources.Secrets;
import io.gatehouse.admin.store.ConfigRepository;
import io.gatehouse.admin.store.Database;
import io.gatehouse.admin.store.DatabaseSettings;
import io.gatehouse.admin.store.MasterKeyException;
import io.gatehouse.admin.store.SecretBox;
import io.gatehouse.admin.sync.ConfigSync;
import io.gatehouse.admin.sync.LastKnownGood;
import io.gatehouse.cluster.config.ConfigBus;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a node with a database: the pool and migrations, the master key, the
 * repository, the sync that keeps the node on the latest version (or its last known good snapshot)
 * and the editor the admin API changes it through. Thread-safe; {@link #close()} stops the sync and
 * closes the pool.
 */
final class DurableConfig implements AutoCloseable {
    /** How often a node checks the database for a version it was not told about. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

    private final Database database;
    private final ConfigRepository repository;
    private final ConfigSync sync;
    private final ConfigEditor editor;
    private final ScheduledExecutorService executor;
    private final SecretBox box;

    private DurableConfig(
            Database database,
            ConfigRepository repository,
            ConfigSync sync,
            ConfigEditor editor,
            ScheduledExecutorService executor,
            SecretBox box) {
        this.box = box;
        this.database = database;
        this.repository = repository;
        this.sync = sync;
        this.editor = editor;
        this.executor = executor;
    }

    /** A key for {@code purpose} derived from the master key that seals this database's secrets. */
    byte[] derivedKey(String purpose) {
        return box.derivedKey(purpose);
    }

    /**
     * Connects, applies the latest configuration through {@code applier} (or the last known good
     * one when the database is down) and starts following changes.
     *
     * @throws ConfigException if the master key is missing or wrong, or no configuration can be had
     */
    static DurableConfig start(
            GatewayConfig local,
            DatabaseSettings settings,
            Function<String, @Nullable String> env,
            ConfigBus bus,
            ConfigSync.Applier applier) {
        requireNonNull(local, "local");
        SecretBox box;
        try {
            // An embedded database lives in the data directory; so may its key. A shared database
            // needs the same key on every node, which only the operator can give.
            box = SecretBox.fromEnvironment(
                    env, settings.isEmbeddedH2() ? local.node().dataDir() : null);
        } catch (MasterKeyException e) {
            throw new ConfigException(e.getMessage());
        }
        Secrets secrets = new Secrets(box);
        ConfigLoader loader = new ConfigLoader(env);
        Database database = Database.create(settings);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("config-sync").daemon().factory());
        try {
            ConfigRepository repository = new ConfigRepository(database);
            ConfigSync sync = ConfigSync.start(new ConfigSync.Parts(
                    database,
                    repository,
                    secrets,
                    loader,
                    local,
                    bus,
                    applier,
                    new LastKnownGood(local.node().dataDir()),
                    executor,
                    POLL_INTERVAL,
                    Clock.systemUTC()));
            ConfigEditor editor = new ConfigEditor(
                    repository,
                    secrets,
                    document -> ConfigSwitch.check(loader.withShared(local, document)),
                    bus,
                    sync::applied);
            return new DurableConfig(database, repository, sync, editor, executor, box);
        } catch (RuntimeException e) {
            executor.shutdownNow();
            database.close();
            throw e;
        }
    }

    ConfigRepository repository() {
        return repository;
    }

    ConfigEditor editor() {
        return editor;
    }

    ConfigSync.Status status() {
        return sync.status();
    }

    @Override
    public void close() {
        sync.close();
        executor.shutdownNow();
        database.close();
    }
}
