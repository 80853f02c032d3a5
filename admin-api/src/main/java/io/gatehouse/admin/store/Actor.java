package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

/**
 * Who made a change, as the audit log and the version history record it. Immutable.
 *
 * @param subject who: the JWT {@code sub}, {@code "bootstrap-token"}, {@code "seed"}, ...
 * @param via how they authenticated or where the change came from: {@code "admin-token"}, {@code
 *     "jwt"}, {@code "config-file"}, {@code "system"}
 */
public record Actor(String subject, String via) {
    static final int MAX_SUBJECT = 1000;
    static final int MAX_VIA = 100;

    public Actor {
        requireNonNull(subject, "subject");
        requireNonNull(via, "via");
        if (subject.isBlank() || subject.length() > MAX_SUBJECT) {
            throw new IllegalArgumentException(
                    "actor subject: " + subject.length() + " characters (expected: 1.." + MAX_SUBJECT + ", not blank)");
        }
        if (via.isBlank() || via.length() > MAX_VIA) {
            throw new IllegalArgumentException(
                    "actor via: '" + via + "' (expected: 1.." + MAX_VIA + " characters, not blank)");
        }
    }
}
