package io.gatehouse.admin.api;

/**
 * Recognises admin callers from their bearer token: the bootstrap admin token, or a JWT of a
 * trusted issuer carrying an admin role claim. Thread-safe; may block briefly (fetching signing
 * keys), so it is called off the IO threads.
 */
public interface AdminAuthenticator {
    /**
     * @param token the bearer token, or null when none was sent
     * @throws AdminAuthException if the token is missing or not valid (401), or valid but carries no
     *     admin role (403)
     */
    AdminCaller authenticate(@org.jspecify.annotations.Nullable String token);

    /** Why a caller is refused: {@code forbidden} when known but without a role. */
    final class AdminAuthException extends RuntimeException {
        private final boolean forbidden;

        public AdminAuthException(String message, boolean forbidden) {
            super(message, null, false, false);
            this.forbidden = forbidden;
        }

        public boolean forbidden() {
            return forbidden;
        }
    }
}
