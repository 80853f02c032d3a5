package io.gatehouse.admin.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.admin.store.testing.TestDatabases;
import java.util.Optional;

/**
 * {@link ConfigRepositoryTest} on PostgreSQL, each test in a fresh schema; skipped when no PostgreSQL
 * is available ({@code GATEHOUSE_TEST_JDBC_URL} unset and no Docker).
 */
class ConfigRepositoryPostgresTest extends ConfigRepositoryTest {
    @Override
    DatabaseSettings newDatabase() {
        Optional<DatabaseSettings> postgres = TestDatabases.postgres();
        assumeTrue(
                postgres.isPresent(),
                "no PostgreSQL: set " + TestDatabases.JDBC_URL_VARIABLE + " or make Docker available");
        return postgres.get();
    }

    @Override
    void dropDatabase(DatabaseSettings settings) {
        TestDatabases.dropSchema(settings);
    }
}
