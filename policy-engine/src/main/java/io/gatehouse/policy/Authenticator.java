package io.gatehouse.policy;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Turns the credential a request carries into a {@link Principal}. Implementations are thread-safe
 * and never block: the result is usually already complete; it completes later only when keys must
 * be fetched first (an unknown signing key), and that fetch runs off the caller's thread.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Authenticates a request.
     *
     * @param token the bearer token ({@code Authorization: Bearer ...}) or {@code x-api-key} value,
     *     or null when the request carries none
     * @return the principal, or a future failed with {@link AuthenticationException} for a 401
     */
    CompletableFuture<Principal> authenticate(@Nullable String token);

    /** Lets every request in as {@link Principal#ANONYMOUS}: for loopback-only nodes without auth. */
    static Authenticator openAccess() {
        CompletableFuture<Principal> anonymous = CompletableFuture.completedFuture(Principal.ANONYMOUS);
        return token -> anonymous;
    }
}
