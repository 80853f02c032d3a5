package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one node process (the {@code node} key). Immutable.
 *
 * @param name the node's name in headers, logs and the cluster view
 * @param bindAddress the interface the data and admin ports listen on
 * @param httpPort the data plane port
 * @param adminPort the admin, health and metrics port
 * @param maxRequestBytes the largest request body accepted (413 above it)
 * @param shutdownGrace how long in-flight requests and streams may take to finish on SIGTERM
 * @param dataDir where the node keeps local state
 * @param upstream settings of the shared upstream HTTP client
 * @param adminToken the bootstrap token of the admin API, or null when the admin API is closed
 * @param adminRoles which JWT claim values open the admin API
 * @param accessLog where the access log goes
 */
public record NodeConfig(
        String name,
        String bindAddress,
        int httpPort,
        int adminPort,
        long maxRequestBytes,
        Duration shutdownGrace,
        Path dataDir,
        UpstreamConfig upstream,
        @Nullable Secret adminToken,
        AdminRoles adminRoles,
        AccessLogOutput accessLog) {

    public NodeConfig {
        requireNonNull(name, "name");
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(shutdownGrace, "shutdownGrace");
        requireNonNull(dataDir, "dataDir");
        requireNonNull(upstream, "upstream");
        requireNonNull(adminRoles, "adminRoles");
        requireNonNull(accessLog, "accessLog");
    }

    /** Where the access log goes (the {@code node.access_log} key). */
    public enum AccessLogOutput {
        /** One line per request on standard output. */
        STDOUT,
        /** No access log. */
        OFF
    }

    /**
     * Which JWT claim values make a caller an admin API user (the {@code node.admin_roles} key).
     * Immutable.
     *
     * @param claim the claim holding roles (a string or a list of strings)
     * @param admin values that grant changing the configuration
     * @param viewer values that grant reading it
     */
    public record AdminRoles(String claim, java.util.Set<String> admin, java.util.Set<String> viewer) {
        public static final AdminRoles DEFAULT =
                new AdminRoles("roles", java.util.Set.of("gatehouse-admin"), java.util.Set.of("gatehouse-viewer"));

        public AdminRoles {
            requireNonNull(claim, "claim");
            admin = java.util.Set.copyOf(admin);
            viewer = java.util.Set.copyOf(viewer);
        }
    }

    /**
     * The shared upstream HTTP client (the {@code node.upstream} key). Immutable.
     *
     * @param connectTimeout how long a connect (and TLS handshake) may take
     * @param maxConnectionsPerHost pooled connections per upstream host
     */
    public record UpstreamConfig(Duration connectTimeout, int maxConnectionsPerHost) {
        public UpstreamConfig {
            requireNonNull(connectTimeout, "connectTimeout");
        }
    }
}
