package io.gatehouse.admin.store.testing;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.store.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.tools.Server;

/**
 * An H2 TCP server in this JVM serving one fresh in-memory database, for tests that need a database
 * on the other side of a socket (and so one a {@link TcpProxy} can cut) without PostgreSQL. Accepts
 * loopback clients only. Thread-safe.
 */
public final class H2Server implements AutoCloseable {
    private final Server server;
    private final String embeddedUrl;
    private final DatabaseSettings settings;

    H2Server(Server server, String embeddedUrl, DatabaseSettings settings) {
        this.server = requireNonNull(server, "server");
        this.embeddedUrl = requireNonNull(embeddedUrl, "embeddedUrl");
        this.settings = requireNonNull(settings, "settings");
    }

    /** Settings reaching the database through the server: {@code jdbc:h2:tcp://127.0.0.1:<port>/mem:...}. */
    public DatabaseSettings settings() {
        return settings;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getPort();
    }

    /** Stops the server and drops the database. */
    @Override
    public void close() {
        server.stop();
        try (Connection c = DriverManager.getConnection(embeddedUrl, "sa", "");
                Statement statement = c.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            // best effort: the database is in memory and goes with the JVM anyway
        }
    }

    @Override
    public String toString() {
        return "H2Server[" + settings.url() + "]";
    }
}
