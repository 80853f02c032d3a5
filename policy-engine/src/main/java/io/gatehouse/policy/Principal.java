package io.gatehouse.policy;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;

/**
 * The authenticated caller of a request. Immutable.
 *
 * @param subject who the caller is (the JWT {@code sub}, or a key's owner)
 * @param tenant the organisation the caller belongs to; every cache and limit is scoped by it
 * @param groups the caller's groups or roles
 * @param claims all verified claims, for policies to read
 */
public record Principal(String subject, String tenant, Set<String> groups, Map<String, Object> claims) {

    /** The caller of a node that runs without authentication (loopback only). */
    public static final Principal ANONYMOUS = new Principal("anonymous", "default", Set.of(), Map.of());

    public Principal {
        requireNonNull(subject, "subject");
        requireNonNull(tenant, "tenant");
        groups = Set.copyOf(groups);
        claims = Map.copyOf(claims);
    }
}
