package io.gatehouse.node.testing;

import io.gatehouse.admin.store.DatabaseSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** Writes a test database and master key into a node's config and environment. */
public final class TestDatabaseConfig {
    private TestDatabaseConfig() {}

    /** The {@code database:} section reaching {@code settings}. */
    public static String yaml(DatabaseSettings settings) {
        StringBuilder yaml = new StringBuilder("database:\n  url: \"" + settings.url() + "\"\n");
        if (settings.user() != null) {
            yaml.append("  user: \"").append(settings.user()).append("\"\n");
        }
        if (settings.password() != null) {
            yaml.append("  password: \"").append(settings.password().reveal()).append("\"\n");
        }
        if (settings.schema() != null) {
            yaml.append("  schema: \"").append(settings.schema()).append("\"\n");
        }
        yaml.append("  connect_timeout: 1s\n");
        return yaml.toString();
    }

    /**
     * The config of a node named {@code name} keeping its configuration in {@code settings}: free
     * ports, the admin token, the mock model {@code demo} and one gateway API key, which seed an
     * empty database.
     */
    public static String nodeYaml(
            String name,
            Path dataDir,
            String adminToken,
            String clusterYaml,
            DatabaseSettings settings,
            String apiKey) {
        return """
                node:
                  name: %s
                  http_port: 0
                  admin_port: 0
                  shutdown_grace: 1s
                  data_dir: "%s"
                  admin_token: %s
                %s%s
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                auth:
                  api_keys:
                    - { name: seed, key: %s }
                """.formatted(name, dataDir, adminToken, clusterYaml, yaml(settings), apiKey);
    }

    /** A new random master key, as GATEHOUSE_MASTER_KEY holds it. */
    public static String masterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
