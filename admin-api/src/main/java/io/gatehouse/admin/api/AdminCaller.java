package io.gatehouse.admin.api;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.store.Actor;

/**
 * Who calls the admin API and what they may do. Immutable.
 *
 * @param subject who, as the audit log names them (the token's subject, or {@code bootstrap-token})
 * @param via how they proved it ({@code admin-token} or {@code jwt})
 * @param role what they may do
 */
public record AdminCaller(String subject, String via, Role role) {
    public AdminCaller {
        requireNonNull(subject, "subject");
        requireNonNull(via, "via");
        requireNonNull(role, "role");
    }

    /** What an admin caller may do; each role includes the ones before it. */
    public enum Role {
        /** Read configuration, audit and cluster state. */
        VIEWER,
        /** Everything a viewer may, and change the configuration. */
        ADMIN;

        boolean includes(Role other) {
            return compareTo(other) >= 0;
        }
    }

    /** The caller as the audit log records them. */
    public Actor actor() {
        return new Actor(subject, via);
    }
}
