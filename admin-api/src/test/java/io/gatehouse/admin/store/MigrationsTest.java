package io.gatehouse.admin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.admin.store.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class MigrationsTest {
    private static final List<String> TABLES = List.of(
            "config_head",
            "config_versions",
            "providers",
            "models",
            "policies",
            "api_keys",
            "issuers",
            "settings",
            "audit_log",
            "flyway_schema_history");

    @Test
    void migratesAnEmptyH2() throws SQLException {
        try (Database database = Database.create(TestDatabases.h2Memory())) {
            migrateTwiceAndCheck(database);
        }
    }

    @Test
    void migratesAnEmptyH2IntoItsOwnSchema() throws SQLException {
        DatabaseSettings memory = TestDatabases.h2Memory();
        DatabaseSettings settings = new DatabaseSettings(
                memory.url(), memory.user(), null, "gatehouse", memory.maxPoolSize(), memory.connectTimeout());
        try (Database database = Database.create(settings)) {
            migrateTwiceAndCheck(database);
            try (Connection c = database.dataSource().getConnection()) {
                assertThat(c.getSchema()).isEqualTo("gatehouse");
            }
        }
    }

    @Test
    void anEmbeddedFileDatabaseKeepsItsDataAcrossRestarts(@TempDir Path dataDir) throws SQLException {
        DatabaseSettings settings = DatabaseSettings.embedded(dataDir);
        try (Database database = Database.create(settings)) {
            migrateTwiceAndCheck(database);
            new ConfigRepository(database)
                    .write(
                            new Actor("seed", "config-file"),
                            "seed",
                            c -> c.create(
                                    ResourceKind.SETTINGS, "gateway", ConfigRepositoryTest.spec("{\"a\":1}"), null));
        }

        try (Database reopened = Database.create(settings)) {
            reopened.migrate();
            StoredConfig config = new ConfigRepository(reopened).load();
            assertThat(config.version()).isEqualTo(1);
            assertThat(config.of(ResourceKind.SETTINGS))
                    .extracting(StoredResource::name)
                    .containsExactly("gateway");
        }
        assertThat(dataDir.resolve("gatehouse.mv.db")).exists();
    }

    @Test
    void migratesAnEmptyPostgresSchema() throws SQLException {
        Optional<DatabaseSettings> postgres = TestDatabases.postgres();
        assumeTrue(
                postgres.isPresent(),
                "no PostgreSQL: set " + TestDatabases.JDBC_URL_VARIABLE + " or make Docker available");
        DatabaseSettings settings = postgres.get();
        try (Database database = Database.create(settings)) {
            migrateTwiceAndCheck(database);
            try (Connection c = database.dataSource().getConnection()) {
                assertThat(c.getSchema()).isEqualTo(settings.schema());
            }
        } finally {
            TestDatabases.dropSchema(settings);
        }
    }

    private static void migrateTwiceAndCheck(Database database) throws SQLException {
        database.migrate();
        int applied = count(database, "SELECT COUNT(*) FROM flyway_schema_history");

        database.migrate(); // a no-op

        assertThat(count(database, "SELECT COUNT(*) FROM flyway_schema_history"))
                .isEqualTo(applied);
        assertThat(tables(database)).containsAll(TABLES).doesNotContain("budgets");
        assertThat(count(database, "SELECT version FROM config_head WHERE id = 1"))
                .isZero();
        assertThat(count(database, "SELECT COUNT(*) FROM config_head")).isOne();
        assertThat(new ConfigRepository(database).version()).isZero();
    }

    private static int count(Database database, String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                Statement statement = c.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            assertThat(row.next()).isTrue();
            return row.getInt(1);
        }
    }

    private static List<String> tables(Database database) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet rows = meta.getTables(null, c.getSchema(), "%", new String[] {"TABLE", "BASE TABLE"})) {
                while (rows.next()) {
                    tables.add(rows.getString("TABLE_NAME"));
                }
            }
        }
        return tables;
    }
}
