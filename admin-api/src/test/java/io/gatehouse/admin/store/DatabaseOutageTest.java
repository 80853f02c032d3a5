package io.gatehouse.admin.store;

import static io.gatehouse.admin.store.ConfigRepositoryTest.spec;
import static io.gatehouse.admin.store.ResourceKind.PROVIDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.admin.store.testing.H2Server;
import io.gatehouse.admin.store.testing.TcpProxy;
import io.gatehouse.admin.store.testing.TestDatabases;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The store when the database goes away and comes back, simulated by a {@link TcpProxy} in front of
 * PostgreSQL (when available) or an H2 TCP server.
 */
@Timeout(60)
class DatabaseOutageTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1500);
    /** How much longer than the connect timeout a failure may take on a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(3);

    /** How long the pool may take to reconnect once the database is back. */
    private static final Duration RECONNECT = Duration.ofSeconds(15);

    private static final Actor ALICE = new Actor("alice", "jwt");

    private H2Server h2;
    private DatabaseSettings direct;
    private TcpProxy proxy;
    private DatabaseSettings settings;
    private Database database;

    @BeforeEach
    void startProxy() {
        Optional<DatabaseSettings> postgres = TestDatabases.postgres();
        if (postgres.isPresent()) {
            direct = postgres.get();
        } else {
            h2 = TestDatabases.h2Server();
            direct = h2.settings();
        }
        proxy = TestDatabases.proxyTo(direct);
        DatabaseSettings proxied = TestDatabases.through(direct, proxy);
        settings = new DatabaseSettings(
                proxied.url(), proxied.user(), proxied.password(), proxied.schema(), 4, CONNECT_TIMEOUT);
        System.out.println(
                "DatabaseOutageTest against " + (h2 == null ? "PostgreSQL" : "an H2 TCP server") + " through " + proxy);
    }

    @AfterEach
    void stop() {
        if (database != null) {
            database.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (h2 != null) {
            h2.close();
        }
        if (direct != null) {
            TestDatabases.dropSchema(direct);
        }
    }

    @Test
    void writesFailFastWhileTheDatabaseIsCutAndSucceedOnceItIsBack() {
        database = Database.create(settings);
        database.migrate();
        ConfigRepository repository = new ConfigRepository(database);
        repository.write(ALICE, "first", c -> c.create(PROVIDERS, "a", spec("{}"), null));

        proxy.cut();

        assertUnavailableWithinTimeout(
                () -> repository.write(ALICE, "while cut", c -> c.create(PROVIDERS, "b", spec("{}"), null)));
        assertUnavailableWithinTimeout(repository::load);
        assertUnavailableWithinTimeout(repository::version);
        assertUnavailableWithinTimeout(() -> repository.audit(null, null, Long.MAX_VALUE, 10));
        assertThat(database.isReachable()).isFalse();

        proxy.restore();

        awaitReachable();
        assertThat(repository.version()).isEqualTo(1);
        ConfigRepository.Commit<StoredResource> after =
                repository.write(ALICE, "after", c -> c.create(PROVIDERS, "b", spec("{}"), null));
        assertThat(after.version()).isEqualTo(2);
        assertThat(repository.load().of(PROVIDERS))
                .extracting(StoredResource::name)
                .containsExactly("a", "b");
        assertThat(repository.audit(null, null, Long.MAX_VALUE, 10)).hasSize(2);
    }

    @Test
    void aCutInTheMiddleOfAWriteLeavesNothingHalfWritten() {
        database = Database.create(settings);
        database.migrate();
        ConfigRepository repository = new ConfigRepository(database);
        repository.write(ALICE, "first", c -> c.create(PROVIDERS, "a", spec("{}"), null));

        assertUnavailableWithinTimeout(() -> repository.write(ALICE, "interrupted", c -> {
            c.create(PROVIDERS, "b", spec("{}"), null);
            c.delete(PROVIDERS, "a", OptionalLong.empty());
            proxy.cut();
            return c.create(PROVIDERS, "c", spec("{}"), null);
        }));

        proxy.restore();

        awaitReachable();
        StoredConfig config = repository.load();
        assertThat(config.version()).isEqualTo(1);
        assertThat(config.of(PROVIDERS)).extracting(StoredResource::name).containsExactly("a");
        assertThat(repository.audit(null, null, Long.MAX_VALUE, 10)).hasSize(1);
        assertThat(repository.versions(10)).hasSize(1);
        assertThat(repository
                        .write(ALICE, "again", c -> c.create(PROVIDERS, "b", spec("{}"), null))
                        .version())
                .isEqualTo(2);
    }

    @Test
    void aNodeStartsWhileTheDatabaseIsDownAndMigratesOnceItIsBack() {
        proxy.cut();

        database = Database.create(settings); // does not connect, so does not fail

        assertUnavailableWithinTimeout(database::migrate);
        assertThat(database.isReachable()).isFalse();
        assertUnavailableWithinTimeout(() -> new ConfigRepository(database).version());

        proxy.restore();

        awaitReachable();
        database.migrate();
        ConfigRepository repository = new ConfigRepository(database);
        assertThat(repository.version()).isZero();
        assertThat(repository
                        .write(ALICE, "first", c -> c.create(PROVIDERS, "a", spec("{}"), null))
                        .version())
                .isEqualTo(1);
    }

    /**
     * Waits for the pool to reconnect: after failing to connect for a while, it pauses up to 5 s
     * between attempts.
     */
    private void awaitReachable() {
        long deadline = System.nanoTime() + RECONNECT.toNanos();
        while (!database.isReachable()) {
            assertThat(System.nanoTime()).as("reachable within " + RECONNECT).isLessThan(deadline);
        }
    }

    private static void assertUnavailableWithinTimeout(Executable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call::execute)
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("the database cannot be reached")
                .hasMessageContaining("try again later");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(CONNECT_TIMEOUT.plus(SLACK));
    }
}
