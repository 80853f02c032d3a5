package io.gatehouse.admin.api;

import org.jspecify.annotations.Nullable;

/**
 * Where the admin API reads the configuration: the database (through {@link ConfigEditor}), or,
 * when a node runs from its config file alone, that file. Thread-safe.
 */
@FunctionalInterface
public interface ConfigReader {
    ConfigEditor.Reading read();

    /** {@code store}, or a 409 saying the configuration comes from a file. */
    static <T> T writable(@Nullable T store) {
        if (store == null) {
            throw new BadRequestException(
                    409,
                    "configuration_read_only",
                    "This node runs from its config file (no database is configured): change the file and"
                            + " restart, or configure a database to manage the configuration through this API.");
        }
        return store;
    }
}
