package io.gatehouse.providers;

import static java.util.Objects.requireNonNull;

/**
 * Thrown by parsers and translators when a request cannot be served; carries the {@link ApiError}
 * to send. Has no stack trace: it is a client outcome, not a bug.
 */
public final class ApiException extends RuntimeException {
    private final ApiError error;

    public ApiException(ApiError error) {
        super(requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
