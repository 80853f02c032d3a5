package io.gatehouse.policy;

/**
 * A policy that cannot be used: its CEL does not compile or type-check, or a field is invalid. The
 * message names the policy's key and the CEL error with its position.
 */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }
}
