package io.gatehouse.policy;

import org.jspecify.annotations.Nullable;

/**
 * Turns the credential a request carries into a {@link Principal}. Implementations are thread-safe
 * and never perform network calls on the request path.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Authenticates a request.
     *
     * @param token the bearer token ({@code Authorization: Bearer ...}) or {@code x-api-key} value,
     *     or null when the request carries none
     * @throws AuthenticationException if the request must be rejected with 401
     */
    Principal authenticate(@Nullable String token);

    /** Lets every request in as {@link Principal#ANONYMOUS}: for loopback-only nodes without auth. */
    static Authenticator openAccess() {
        return token -> Principal.ANONYMOUS;
    }
}
