package io.gatehouse.policy;

/**
 * A request that must be rejected with 401. The message is sent to the client, so it says only what
 * the client must do (never why a token failed in detail, which would help an attacker).
 */
public final class AuthenticationException extends RuntimeException {
    public AuthenticationException(String message) {
        super(message, null, false, false);
    }
}
