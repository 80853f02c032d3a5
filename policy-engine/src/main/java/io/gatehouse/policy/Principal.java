package io.gatehouse.policy;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;

/**
 * The authenticated caller of a request. Immutable.
 *
 * @param subject who the caller is (the JWT's subject claim, or a gateway key's owner)
 * @param tenant the organisation the caller belongs to; every cache and limit is scoped by it
 * @param groups the caller's groups or roles
 * @param claims all verified claims, for policies to read
 * @param keyModels for a gateway API key, the only models it may use; empty means no restriction
 */
public record Principal(
        String subject, String tenant, Set<String> groups, Map<String, Object> claims, Set<String> keyModels) {

    /** The caller of a node that runs without authentication (loopback only). */
    public static final Principal ANONYMOUS = new Principal("anonymous", "default", Set.of(), Map.of(), Set.of());

    public Principal {
        requireNonNull(subject, "subject");
        requireNonNull(tenant, "tenant");
        groups = Set.copyOf(groups);
        claims = Map.copyOf(claims);
        keyModels = Set.copyOf(keyModels);
    }
}
