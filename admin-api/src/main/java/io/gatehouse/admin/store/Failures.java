package io.gatehouse.admin.store;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/** Sorts storage failures into "the database cannot be reached" and everything else. Stateless. */
final class Failures {
    /**
     * PostgreSQL states that mean "not now" rather than "wrong": admin shutdown, crash shutdown, cannot
     * connect now, too many connections, lock not available (lock_timeout).
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300", "55P03");

    /**
     * H2 error codes with the same meaning: connection broken, I/O error, lock timeout, database closed,
     * database called at shutdown.
     */
    private static final Set<Integer> H2_UNAVAILABLE_CODES = Set.of(90067, 90028, 50200, 90098, 90121);

    private static final int MAX_CAUSES = 32;

    private Failures() {}

    /** {@code failure} as a {@link DatabaseUnavailableException} or a {@link StoreException}. */
    static RuntimeException translate(String what, Exception failure) {
        if (isUnavailable(failure)) {
            return new DatabaseUnavailableException(
                    what + ": the database cannot be reached (" + rootMessage(failure) + "); try again later", failure);
        }
        return new StoreException(what + " failed: " + rootMessage(failure), failure);
    }

    /** Whether anything in the cause chain says the database is down, unreachable or too busy. */
    static boolean isUnavailable(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
                    return true;
                }
                if (sql.getClass().getName().startsWith("org.h2.")
                        && H2_UNAVAILABLE_CODES.contains(sql.getErrorCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The message of the deepest cause that has one: the most specific account of what went wrong. */
    private static String rootMessage(Throwable failure) {
        String message = failure.getClass().getSimpleName();
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message.strip();
    }
}
