package io.gatehouse.node.testing;

import io.gatehouse.admin.store.DatabaseSettings;
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

    /** A new random master key, as GATEHOUSE_MASTER_KEY holds it. */
    public static String masterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
