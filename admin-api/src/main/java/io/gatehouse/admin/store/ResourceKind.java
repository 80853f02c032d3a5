package io.gatehouse.admin.store;

import java.util.Optional;

/** The kinds of configuration resource, each stored in its own table. Immutable. */
public enum ResourceKind {
    PROVIDERS("providers"),
    MODELS("models"),
    POLICIES("policies"),
    API_KEYS("api_keys"),
    ISSUERS("issuers"),
    SETTINGS("settings");

    private final String table;

    ResourceKind(String table) {
        this.table = table;
    }

    /** The table holding this kind; also the kind's name in the audit log. */
    public String table() {
        return table;
    }

    /** The kind stored in {@code table}, if any. */
    static Optional<ResourceKind> ofTable(String table) {
        for (ResourceKind kind : values()) {
            if (kind.table.equals(table)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
