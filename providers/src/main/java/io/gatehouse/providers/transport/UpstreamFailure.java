package io.gatehouse.providers.transport;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;

/**
 * Why an upstream exchange failed at the transport level. Immutable.
 *
 * @param kind the class of failure, which decides the status the client sees
 * @param detail a short description for logs; never contains credentials or bodies
 */
public record UpstreamFailure(Kind kind, String detail) {

    /** Classes of transport failure. */
    public enum Kind {
        CONNECT_FAILED,
        CONNECT_TIMEOUT,
        FIRST_BYTE_TIMEOUT,
        IDLE_TIMEOUT,
        CONNECTION_LOST,
        BODY_TOO_LARGE,
        CANCELLED;

        public boolean isTimeout() {
            return this == CONNECT_TIMEOUT || this == FIRST_BYTE_TIMEOUT || this == IDLE_TIMEOUT;
        }
    }

    public UpstreamFailure {
        requireNonNull(kind, "kind");
        requireNonNull(detail, "detail");
    }

    /** The error a client sees: 504 for timeouts, 502 for everything else. */
    public ApiError toApiError(String provider) {
        String message = switch (kind) {
            case CONNECT_FAILED -> "Could not connect to provider '" + provider + "'.";
            case CONNECT_TIMEOUT -> "Timed out connecting to provider '" + provider + "'.";
            case FIRST_BYTE_TIMEOUT -> "Provider '" + provider + "' did not start answering in time.";
            case IDLE_TIMEOUT -> "Provider '" + provider + "' stopped sending data.";
            case CONNECTION_LOST -> "The connection to provider '" + provider + "' was lost.";
            case BODY_TOO_LARGE -> "Provider '" + provider + "' sent a response that is too large.";
            case CANCELLED -> "The call to provider '" + provider + "' was cancelled.";
        };
        return kind.isTimeout() ? ApiError.upstreamTimeout(message) : ApiError.upstreamFailed(message);
    }
}
