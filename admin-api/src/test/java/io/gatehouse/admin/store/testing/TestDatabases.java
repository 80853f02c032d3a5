package io.gatehouse.admin.store.testing;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.Secret;
import io.gatehouse.admin.store.DatabaseSettings;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Databases for tests: a fresh in-memory H2, PostgreSQL when one is available (from {@value
 * #JDBC_URL_VARIABLE}, else Testcontainers when Docker is), and an H2 TCP server. Every database or
 * schema handed out is new, so tests never see each other's rows. Thread-safe.
 */
public final class TestDatabases {
    /** A PostgreSQL JDBC URL to run the PostgreSQL tests against, each in a fresh schema. */
    public static final String JDBC_URL_VARIABLE = "GATEHOUSE_TEST_JDBC_URL";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int POOL_SIZE = 6;
    private static final String POSTGRES_IMAGE = "postgres:15-alpine";
    private static final Pattern HOST_PORT = Pattern.compile("^(jdbc:(?:postgresql|h2:tcp)://)([^/?;]+)(.*)$");
    private static final AtomicBoolean reported = new AtomicBoolean();

    private TestDatabases() {}

    /** A fresh, uniquely named in-memory H2 in PostgreSQL mode, kept until the JVM ends. */
    public static DatabaseSettings h2Memory() {
        String url = "jdbc:h2:mem:gh_" + unique() + DatabaseSettings.H2_POSTGRESQL_MODE + ";DB_CLOSE_DELAY=-1";
        return new DatabaseSettings(url, "sa", null, null, POOL_SIZE, CONNECT_TIMEOUT);
    }

    /**
     * PostgreSQL in a fresh schema {@code gh_test_<random>}: at {@value #JDBC_URL_VARIABLE} if set, else
     * in one Testcontainers container shared by the JVM if Docker is available, else empty (callers
     * skip with an assumption). Drop the schema with {@link #dropSchema} when done.
     */
    public static Optional<DatabaseSettings> postgres() {
        String url = System.getenv(JDBC_URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            report("PostgreSQL for tests: " + JDBC_URL_VARIABLE);
            return Optional.of(
                    new DatabaseSettings(url, null, null, "gh_test_" + unique(), POOL_SIZE, CONNECT_TIMEOUT));
        }
        Optional<DatabaseSettings> container = Container.settings();
        if (container.isPresent()) {
            report("PostgreSQL for tests: Testcontainers (" + POSTGRES_IMAGE + ")");
            DatabaseSettings shared = container.get();
            return Optional.of(new DatabaseSettings(
                    shared.url(),
                    shared.user(),
                    shared.password(),
                    "gh_test_" + unique(),
                    shared.maxPoolSize(),
                    shared.connectTimeout()));
        }
        report("PostgreSQL for tests: skipped: no " + JDBC_URL_VARIABLE + " and no Docker");
        return Optional.empty();
    }

    /**
     * Starts an H2 TCP server (random port, loopback clients only) serving a fresh in-memory database in
     * PostgreSQL mode. The database is created in this JVM first, so the server need not allow remote
     * creation of databases.
     */
    public static H2Server h2Server() {
        String name = "gh_tcp_" + unique();
        String settingsPart = DatabaseSettings.H2_POSTGRESQL_MODE + ";DB_CLOSE_DELAY=-1";
        String embeddedUrl = "jdbc:h2:mem:" + name + settingsPart;
        try {
            // DB_CLOSE_DELAY=-1 keeps the database after this first connection closes.
            DriverManager.getConnection(embeddedUrl, "sa", "").close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create in-memory H2 database " + name, e);
        }
        Server server;
        try {
            server = Server.createTcpServer("-tcpPort", "0").start();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start an H2 TCP server", e);
        }
        String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:" + name + settingsPart;
        return new H2Server(
                server, embeddedUrl, new DatabaseSettings(url, "sa", null, null, POOL_SIZE, CONNECT_TIMEOUT));
    }

    /** Drops the settings' schema with everything in it, for PostgreSQL schemas; best effort, never throws. */
    public static void dropSchema(DatabaseSettings settings) {
        requireNonNull(settings, "settings");
        String schema = settings.schema();
        if (schema == null || !settings.url().startsWith("jdbc:postgresql:")) {
            return;
        }
        Properties properties = new Properties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password().reveal());
        }
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "30");
        try (Connection c = DriverManager.getConnection(settings.url(), properties);
                Statement statement = c.createStatement()) {
            // The schema matches [a-z_][a-z0-9_]*, as DatabaseSettings checks: no quoting needed.
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException | RuntimeException e) {
            System.out.println("Could not drop test schema " + schema + ": " + e.getMessage());
        }
    }

    /**
     * The settings with the host and port of their {@code jdbc:postgresql://} or {@code jdbc:h2:tcp://}
     * URL replaced by the proxy's {@code 127.0.0.1:<port>}.
     */
    public static DatabaseSettings through(DatabaseSettings settings, TcpProxy proxy) {
        requireNonNull(settings, "settings");
        requireNonNull(proxy, "proxy");
        Matcher m = matchHostPort(settings.url());
        return settings.withUrl(m.group(1) + "127.0.0.1:" + proxy.port() + m.group(3));
    }

    /** The host and port the settings' {@code jdbc:postgresql://} or {@code jdbc:h2:tcp://} URL points at. */
    public static InetSocketAddress address(DatabaseSettings settings) {
        requireNonNull(settings, "settings");
        Matcher m = matchHostPort(settings.url());
        String hostPort = m.group(2);
        int defaultPort = m.group(1).startsWith("jdbc:postgresql") ? 5432 : 9092;
        if (hostPort.startsWith("[")) { // [ipv6]:port
            int close = hostPort.indexOf(']');
            String host = hostPort.substring(1, close);
            String rest = hostPort.substring(close + 1);
            return InetSocketAddress.createUnresolved(
                    host, rest.startsWith(":") ? Integer.parseInt(rest.substring(1)) : defaultPort);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0
                ? InetSocketAddress.createUnresolved(hostPort, defaultPort)
                : InetSocketAddress.createUnresolved(
                        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** A proxy in front of the database the settings point at. */
    public static TcpProxy proxyTo(DatabaseSettings settings) {
        InetSocketAddress address = address(settings);
        return TcpProxy.start(address.getHostString(), address.getPort());
    }

    private static Matcher matchHostPort(String url) {
        Matcher m = HOST_PORT.matcher(url);
        if (!m.matches() || m.group(2).contains(",")) {
            throw new IllegalArgumentException("database url: " + url.replaceAll("(?i)password=[^&;]*", "password=****")
                    + " (expected: jdbc:postgresql://host:port/... or jdbc:h2:tcp://host:port/..., one host)");
        }
        return m;
    }

    private static String unique() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static void report(String line) {
        if (reported.compareAndSet(false, true)) {
            System.out.println(line);
        }
    }

    /** The Testcontainers PostgreSQL, started on first use and shared by the JVM. */
    private static final class Container {
        private static final @Nullable DatabaseSettings SETTINGS = start();

        static Optional<DatabaseSettings> settings() {
            return Optional.ofNullable(SETTINGS);
        }

        private static @Nullable DatabaseSettings start() {
            try {
                if (!DockerClientFactory.instance().isDockerAvailable()) {
                    return null;
                }
                PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE);
                container.start(); // stopped by Testcontainers' reaper when the JVM ends
                return new DatabaseSettings(
                        container.getJdbcUrl(),
                        container.getUsername(),
                        new Secret(container.getPassword()),
                        null,
                        POOL_SIZE,
                        CONNECT_TIMEOUT);
            } catch (Throwable e) { // no Docker, or no Testcontainers on the class path: skip, never fail
                System.out.println("Testcontainers unavailable: " + e);
                return null;
            }
        }
    }
}
