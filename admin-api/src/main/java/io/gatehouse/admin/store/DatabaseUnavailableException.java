package io.gatehouse.admin.store;

/**
 * The database cannot be reached (connection refused, timed out, broken, or a lock not granted in
 * time): callers answer 503 and try again later. When it is thrown by a write, that write may or may
 * not have committed if the connection broke during the commit itself; nothing is ever half-written.
 */
public class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
