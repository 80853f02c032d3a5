package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How to reach the database. Immutable.
 *
 * @param url a JDBC URL: {@code jdbc:postgresql://host:5432/db}, or an H2 URL ({@code jdbc:h2:...}) in
 *     PostgreSQL mode ({@link #H2_POSTGRESQL_MODE}); the migrations are written for these two only
 * @param user the user, or null to take it from the URL
 * @param password the password, or null for none (or the URL's)
 * @param schema the schema to keep every table in, created by {@link Database#migrate()}; null = the
 *     URL's default schema. Lower-case letters, digits and underscores, so it never needs quoting.
 * @param maxPoolSize the most connections the pool holds open
 * @param connectTimeout how long to wait for a connection before the database counts as unavailable
 */
public record DatabaseSettings(
        String url,
        @Nullable String user,
        @Nullable Secret password,
        @Nullable String schema,
        int maxPoolSize,
        Duration connectTimeout) {

    /**
     * The settings every H2 URL carries so that the migrations and queries written for PostgreSQL run
     * unchanged on H2.
     */
    public static final String H2_POSTGRESQL_MODE =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(250);
    private static final int MAX_POOL_SIZE = 100;
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    public DatabaseSettings {
        requireNonNull(url, "url");
        requireNonNull(connectTimeout, "connectTimeout");
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("database url: " + masked(url)
                    + " (expected: a PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/gatehouse, or an"
                    + " H2 one)");
        }
        if (schema != null && !SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("database schema: '" + schema
                    + "' (expected: 1 to 63 lower-case letters, digits or underscores, not starting with a digit)");
        }
        if (maxPoolSize < 1 || maxPoolSize > MAX_POOL_SIZE) {
            throw new IllegalArgumentException(
                    "database maxPoolSize: " + maxPoolSize + " (expected: 1.." + MAX_POOL_SIZE + ")");
        }
        if (connectTimeout.compareTo(MIN_CONNECT_TIMEOUT) < 0) {
            throw new IllegalArgumentException(
                    "database connectTimeout: " + connectTimeout + " (expected: at least 250 ms)");
        }
    }

    /** These settings with another URL (for example one that goes through a proxy). */
    public DatabaseSettings withUrl(String url) {
        return new DatabaseSettings(url, user, password, schema, maxPoolSize, connectTimeout);
    }

    /**
     * An H2 file database under {@code dataDir}, in PostgreSQL mode: {@code
     * jdbc:h2:file:<dataDir>/gatehouse;MODE=PostgreSQL;...}, user {@code sa}, no password. For a single
     * node; H2 keeps the files locked while the node runs.
     */
    public static DatabaseSettings embedded(Path dataDir) {
        requireNonNull(dataDir, "dataDir");
        String base = dataDir.toAbsolutePath().normalize().resolve("gatehouse").toString();
        if (base.indexOf(';') >= 0) {
            throw new IllegalArgumentException(
                    "data directory: " + dataDir + " (expected: a path without ';', which H2 URLs cannot hold)");
        }
        return new DatabaseSettings(
                "jdbc:h2:file:" + base + H2_POSTGRESQL_MODE, "sa", null, null, 4, Duration.ofSeconds(5));
    }

    /** Whether this is an H2 database inside this process (file or memory), which only this node uses. */
    public boolean isEmbeddedH2() {
        return url.startsWith("jdbc:h2:file:") || url.startsWith("jdbc:h2:mem:");
    }

    /** Whether the URL is any H2 URL (embedded or through an H2 TCP server). */
    boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** Masks the password, wherever it is. */
    @Override
    public String toString() {
        return "DatabaseSettings[url=" + masked(url) + ", user=" + user + ", password="
                + (password == null ? "none" : password) + ", schema=" + schema + ", maxPoolSize=" + maxPoolSize
                + ", connectTimeout=" + connectTimeout + "]";
    }

    /** The URL with any password parameter masked, for messages and logs. */
    static String masked(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1****");
    }
}
