package io.gatehouse.admin.config;

/**
 * A configuration that cannot be used. The message names the key and what was expected, e.g.
 * {@code providers[1].type: "foo" (expected: one of openai, azure-openai, mock)}.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
