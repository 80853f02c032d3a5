package io.gatehouse.admin.store;

import io.gatehouse.admin.store.testing.TestDatabases;

/** {@link ConfigRepositoryTest} on an in-memory H2 in PostgreSQL mode, as the embedded mode runs. */
class ConfigRepositoryH2Test extends ConfigRepositoryTest {
    @Override
    DatabaseSettings newDatabase() {
        return TestDatabases.h2Memory();
    }

    @Override
    void dropDatabase(DatabaseSettings settings) {
        // in memory: goes with the JVM
    }
}
