package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled database (HikariCP) plus its migrations (Flyway). Thread-safe.
 *
 * <p>The pool connects lazily: {@link #create} never touches the database, so a node can start while
 * the database is down and begin serving once it is back (within about 5 s after a long outage, the
 * pool's longest pause between attempts to connect). Every call waits at most
 * {@link DatabaseSettings#connectTimeout()} before the database counts as unavailable, and waits at
 * most {@link #LOCK_TIMEOUT} for a row lock held by another writer.
 */
public final class Database implements AutoCloseable {
    /** Where the migrations live on the class path (the gatehouse-migrations jar). */
    static final String MIGRATIONS = "classpath:db/gatehouse";

    /** How long a writer waits for another writer's lock before giving up (as unavailable). */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    /** The longest any one PostgreSQL statement may take before its connection counts as broken. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Duration MAX_VALIDATION_TIMEOUT = Duration.ofSeconds(5);

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;

    private Database(DatabaseSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
    }

    /**
     * Creates the pool without connecting (Hikari {@code initializationFailTimeout = -1}), so a node can
     * start while the database is down. {@code connectionTimeout} is {@code settings.connectTimeout()}.
     */
    public static Database create(DatabaseSettings settings) {
        requireNonNull(settings, "settings");
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse-db");
        config.setJdbcUrl(settings.url());
        config.setDriverClassName(settings.isH2() ? "org.h2.Driver" : "org.postgresql.Driver");
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password().reveal());
        }
        config.setMaximumPoolSize(settings.maxPoolSize());
        // No idle minimum for a database across the network: the pool then only connects while a caller
        // waits, instead of retrying in the background through an outage with a backoff that grows to
        // 5 s (and so delays reconnecting by as much). An embedded H2 keeps one connection open so the
        // database stays open.
        config.setMinimumIdle(settings.isEmbeddedH2() ? 1 : 0);
        config.setInitializationFailTimeout(-1);
        long connectMillis = settings.connectTimeout().toMillis();
        config.setConnectionTimeout(connectMillis);
        config.setValidationTimeout(Math.min(connectMillis, MAX_VALIDATION_TIMEOUT.toMillis()));
        if (settings.isH2()) {
            config.setConnectionInitSql(h2InitSql(settings.schema()));
        } else {
            // search_path may name a schema that migrate() has not created yet; PostgreSQL allows that.
            if (settings.schema() != null) {
                config.setSchema(settings.schema());
            }
            config.setConnectionInitSql("SET lock_timeout = '" + LOCK_TIMEOUT.toMillis() + "ms'");
            // Defaults only: parameters in the URL win. The socket timeout bounds any one statement, so
            // a database that vanishes without closing the connection is noticed too.
            long connectSeconds = Math.max(1, settings.connectTimeout().toSeconds());
            config.addDataSourceProperty("connectTimeout", String.valueOf(connectSeconds));
            config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
            config.addDataSourceProperty("ApplicationName", "gatehouse");
        }
        return new Database(settings, new HikariDataSource(config));
    }

    /**
     * H2 refuses to switch to a schema that does not exist, so each connection creates it first; it is
     * valid as an identifier without quoting ({@link DatabaseSettings} checks it).
     */
    private static String h2InitSql(@Nullable String schema) {
        String lockTimeout = "SET LOCK_TIMEOUT " + LOCK_TIMEOUT.toMillis();
        return schema == null
                ? lockTimeout
                : lockTimeout + "; CREATE SCHEMA IF NOT EXISTS " + schema + "; SET SCHEMA " + schema;
    }

    /**
     * Runs the Flyway migrations (creating {@code settings.schema()} if set). Safe to run from every
     * node at once: Flyway serializes concurrent migrations.
     *
     * @throws DatabaseUnavailableException when the database cannot be reached
     * @throws StoreException when a migration fails or the schema holds migrations this version does
     *     not know
     */
    public void migrate() {
        try {
            FluentConfiguration flyway = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .failOnMissingLocations(true)
                    .loggers("slf4j")
                    .connectRetries(0);
            if (settings.schema() != null) {
                flyway = flyway.schemas(settings.schema())
                        .defaultSchema(settings.schema())
                        .createSchemas(true);
            }
            MigrateResult result = flyway.load().migrate();
            if (result.migrationsExecuted > 0) {
                log.info(
                        "Migrated the database {} to version {} ({} migrations)",
                        DatabaseSettings.masked(settings.url()),
                        result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw Failures.translate("migrating the database " + DatabaseSettings.masked(settings.url()), e);
        }
    }

    /** Whether a connection can be had and is valid within the connect timeout. Never throws. */
    public boolean isReachable() {
        int validSeconds = (int) Math.max(1, settings.connectTimeout().toSeconds());
        // A second try, because the pool may hand out a connection that broke while idle.
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                if (connection.isValid(validSeconds)) {
                    return true;
                }
                dataSource.evictConnection(connection);
                evictIdleConnections();
            } catch (SQLException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** Closes every pooled connection. Idempotent. */
    @Override
    public void close() {
        dataSource.close();
    }

    DataSource dataSource() {
        return dataSource;
    }

    /**
     * A pooled connection.
     *
     * @throws DatabaseUnavailableException when none can be had within the connect timeout
     */
    Connection connect(String what) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw Failures.translate(what, e);
        }
    }

    /**
     * Closes the idle connections (and the busy ones when they come back), for when one turned out to be
     * broken: the database most likely restarted or failed over, and then all of them are.
     */
    void evictIdleConnections() {
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        if (pool != null) {
            pool.softEvictConnections();
        }
    }

    /**
     * The weakest isolation level under which one transaction sees every table at the same instant.
     * PostgreSQL's REPEATABLE READ takes one snapshot for the whole transaction; H2's takes one per
     * table at first access, so H2 needs SERIALIZABLE (which does not block writers either).
     */
    int snapshotIsolation() {
        return settings.isH2() ? Connection.TRANSACTION_SERIALIZABLE : Connection.TRANSACTION_REPEATABLE_READ;
    }
}
