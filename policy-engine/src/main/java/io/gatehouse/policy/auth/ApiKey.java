package io.gatehouse.policy.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A gateway API key as the gateway stores it: its SHA-256 hash, never the key. Immutable.
 *
 * @param name the key's name (shown in logs and usage, never the key)
 * @param sha256 lowercase hex SHA-256 of the key
 * @param tenant the tenant its requests belong to
 * @param owner who is responsible for it; the principal's subject
 * @param groups groups its principal has, for policies
 * @param allowedModels the only models it may use; empty means any the policies allow
 * @param expiresAt when it stops working, or null for never
 * @param revoked whether it has been revoked
 */
public record ApiKey(
        String name,
        String sha256,
        String tenant,
        String owner,
        Set<String> groups,
        Set<String> allowedModels,
        @Nullable Instant expiresAt,
        boolean revoked) {

    public ApiKey {
        requireNonNull(name, "name");
        requireNonNull(sha256, "sha256");
        requireNonNull(tenant, "tenant");
        requireNonNull(owner, "owner");
        groups = Set.copyOf(groups);
        allowedModels = Set.copyOf(allowedModels);
    }
}
